// Searching and paging the devices list: one rule for every store (in memory, in SQL) and for the dashboard,
// which applies the same rule to the diffs it receives while a search is on screen.

/** Devices are listed newest approval first, then by id; a new device always lands on top, so diffs never reorder. */
export interface DeviceOrderKey {
  approvedAtMs: number;
  id: string;
}

/** What a search looks at: the name, the fingerprint (with or without its dash) and the id's start. */
export interface SearchableDevice extends DeviceOrderKey {
  name: string;
  fingerprint: string;
}

export const DEVICE_QUERY_MAX = 64;
export const DEVICES_PAGE_DEFAULT = 100;
/** A page of 500 worst-case DeviceViews (512-character user agents) stays far below MAX_SERVER_FRAME_BYTES. */
export const DEVICES_PAGE_MAX = 500;

/**
 * Case folding is ASCII only, as SQLite's LIKE does it: "kitchen" finds "Kitchen", while "küche" finds only
 * "küche". Stores must agree with this function; the contract suite checks that they do.
 */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Normalised search terms: null when the query is blank (everything matches). */
export function searchTerms(query: string | undefined): { text: string; fingerprint: string; idPrefix: string } | null {
  const text = asciiLower((query ?? "").trim());
  if (!text) return null;
  return { text, fingerprint: text.replace(/-/g, ""), idPrefix: text };
}

export function deviceMatches(device: SearchableDevice, query: string | undefined): boolean {
  const terms = searchTerms(query);
  if (!terms) return true;
  return (
    asciiLower(device.name).includes(terms.text) ||
    (terms.fingerprint !== "" && asciiLower(device.fingerprint.replace(/-/g, "")).includes(terms.fingerprint)) ||
    device.id.startsWith(terms.idPrefix)
  );
}

/** Negative when `a` is listed before `b`. */
export function compareDevices(a: DeviceOrderKey, b: DeviceOrderKey): number {
  return b.approvedAtMs - a.approvedAtMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The cursor is the last listed device's order key; opaque to clients. */
export function encodeDeviceCursor(key: DeviceOrderKey): string {
  return `${key.approvedAtMs}.${key.id}`;
}

export function decodeDeviceCursor(cursor: string): DeviceOrderKey | null {
  const m = /^(\d{1,16})\.([0-9a-z_-]{1,64})$/.exec(cursor);
  return m ? { approvedAtMs: Number(m[1]), id: m[2]! } : null;
}
