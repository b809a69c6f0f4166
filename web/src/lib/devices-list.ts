// The admin's devices list as the tab holds it: the pages loaded so far (in the server's order) and the diffs
// applied since. Pure functions, so the rules (when to refetch, how a search counts) are tested without React.
import { compareDevices, deviceMatches } from "../../../shared/protocol/device-search.js";
import type { DevicesChanged } from "../../../shared/protocol/frames.js";
import type { DevicesListResult } from "../../../shared/protocol/rpc.js";
import type { DeviceView, InviteView, PendingView } from "../../../shared/protocol/views.js";

export interface DevicesList {
  query: string;
  /** Loaded devices, newest approval first; more follow from `nextCursor`. */
  rows: DeviceView[];
  /** Devices matching `query` on the gateway, loaded or not. */
  total: number;
  nextCursor: string | null;
  /** The last diff this list reflects. */
  seq: number;
  pending: PendingView[];
  invites: InviteView[];
}

export function listFromPage(query: string, page: DevicesListResult): DevicesList {
  return { query, rows: page.devices, total: page.total, nextCursor: page.nextCursor, seq: page.seq, pending: page.pending, invites: page.invites };
}

/** The next page, or null when diffs moved on meanwhile and the page can't be trusted to fit (refetch). */
export function appendPage(list: DevicesList, page: DevicesListResult): DevicesList | null {
  if (page.seq !== list.seq) return null;
  const known = new Set(list.rows.map((row) => row.id));
  return { ...list, rows: [...list.rows, ...page.devices.filter((row) => !known.has(row.id))], total: page.total, nextCursor: page.nextCursor };
}

/** A diff that changes what devices exist or their details, not only who is online (audit and counts care). */
export function changesDevices(diff: DevicesChanged): boolean {
  return diff.upserts.length > 0 || diff.removed.length > 0 || diff.pending !== undefined || diff.invites !== undefined;
}

/**
 * Applies one diff. "stale" when it is already reflected, "gap" when one was missed (refetch). Rows beyond the
 * loaded pages are left to arrive with their page; new devices sort first, so they always land in loaded rows.
 */
export function applyDiff(list: DevicesList, diff: DevicesChanged): DevicesList | "stale" | "gap" {
  if (diff.seq <= list.seq) return "stale";
  if (diff.seq !== list.seq + 1) return "gap";
  let rows = list.rows;
  let total = list.total;
  const last = rows.at(-1);
  const isLoaded = (row: DeviceView) => list.nextCursor === null || (last !== undefined && compareDevices(row, last) <= 0);

  for (const device of diff.upserts) {
    const at = rows.findIndex((row) => row.id === device.id);
    const matches = device.revokedAtMs === undefined && deviceMatches(device, list.query);
    if (at >= 0) {
      rows = matches ? rows.with(at, device) : rows.toSpliced(at, 1);
      if (!matches) total -= 1;
    } else if (matches && isLoaded(device)) {
      const before = rows.findIndex((row) => compareDevices(device, row) < 0);
      rows = before < 0 ? [...rows, device] : rows.toSpliced(before, 0, device);
      total += 1;
    }
  }
  for (const gone of diff.removed) {
    const at = rows.findIndex((row) => row.id === gone.id);
    if (at >= 0) rows = rows.toSpliced(at, 1);
    if (at >= 0 || deviceMatches(gone, list.query)) total -= 1;
  }
  if (diff.presence.length) {
    const byId = new Map(diff.presence.map((p) => [p.id, p]));
    rows = rows.map((row) => {
      const p = byId.get(row.id);
      return p ? { ...row, online: p.online, lastSeenAtMs: p.lastSeenAtMs, lastSeenFrom: p.lastSeenFrom } : row;
    });
  }
  return { ...list, rows, total: Math.max(0, total), seq: diff.seq, pending: diff.pending ?? list.pending, invites: diff.invites ?? list.invites };
}
