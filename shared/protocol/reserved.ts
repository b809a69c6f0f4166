// Names pairgate keeps for itself. An embedding app may not register methods or publish events under them,
// so a built-in method or event can never be shadowed or spoofed by app code. No zod here: the browser client
// checks event names before the schema module has loaded.
import type { AppEventFrame, EventFrame } from "./frames.js";

export const RESERVED_PREFIXES = ["gateway.", "devices.", "invites.", "audit.", "pairing.", "device.", "session.", "sessions."] as const;

export function isReservedName(name: string): boolean {
  return RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

export function isAppEventFrame(frame: EventFrame | AppEventFrame): frame is AppEventFrame {
  return !isReservedName(frame.event);
}
