// Telling an app's event from a built-in one. No zod here: the browser client checks event names before the
// schema module has loaded (only the frame types come from frames.ts).
import type { AppEventFrame, EventFrame } from "./frames.js";
import { isReservedName } from "./reserved-names.js";

export { isReservedName, RESERVED_PREFIXES } from "./reserved-names.js";

export function isAppEventFrame(frame: EventFrame | AppEventFrame): frame is AppEventFrame {
  return !isReservedName(frame.event);
}
