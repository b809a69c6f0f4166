// GET /whoami: what the gateway sees of this browser's own requests (server/src/http/whoami.ts). A browser can't
// read why its WebSocket upgrade got a 403; this endpoint tells it, with the same diagnosis as `pairgate doctor`.

export interface WhoamiFacts {
  address: string;
  hostAllowed: boolean;
  originAllowed: boolean | null;
  diagnosis: string[];
}

export function whoamiUrl(origin: string): string {
  // Relative: the dashboard may be served under a prefix (docs/front-door.md), and whoami lives beside it.
  return `whoami?origin=${encodeURIComponent(origin)}`;
}

/** Returns null when the gateway can't be reached or answers with something else. */
export async function fetchWhoami(origin: string): Promise<WhoamiFacts | null> {
  try {
    const res = await fetch(whoamiUrl(origin), { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!res.ok && res.status !== 403) return null;
    const body: unknown = await res.json();
    if (typeof body !== "object" || body === null || !Array.isArray((body as WhoamiFacts).diagnosis)) return null;
    const facts = body as WhoamiFacts;
    return { ...facts, diagnosis: facts.diagnosis.filter((d): d is string => typeof d === "string").slice(0, 10) };
  } catch {
    return null; // gateway down or not JSON: the unreachable screen already says so
  }
}
