// Imported first by main.ts (through start.ts), so the invite token leaves the address bar before any other module runs.
import { takeStartupFragment } from "./fragment.js";

export const startupFragment = takeStartupFragment(window.location, window.history);
