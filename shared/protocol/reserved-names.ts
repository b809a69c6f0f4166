// Names pairgate keeps for itself. An embedding app may not register methods or publish events under them,
// so a built-in method or event can never be shadowed or spoofed by app code. Imports nothing, so the frame
// schemas can use it and reserved.ts can narrow those frames without an import cycle.
export const RESERVED_PREFIXES = ["gateway.", "devices.", "invites.", "audit.", "pairing.", "device.", "session.", "sessions."] as const;

export function isReservedName(name: string): boolean {
  return RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** A name an app may use: the check frames.ts refines app event names with (and the browser's parser reuses). */
export function isAppName(name: string): boolean {
  return !isReservedName(name);
}
