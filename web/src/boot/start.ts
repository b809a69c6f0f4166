// Starts the gateway connection, the key read and the pre-flight checks as a module side effect, so they
// begin as soon as the entry's small chunk runs (main.ts imports this first; React loads later).
import { createBrowserGateway } from "./create-gateway.js";
import { startupFragment } from "./startup-fragment.js";

export { startupFragment };
export const boot = createBrowserGateway(startupFragment);
