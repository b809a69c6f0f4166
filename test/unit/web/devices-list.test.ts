// The dashboard's devices list model (web/src/lib/devices-list.ts): pages plus devices.changed diffs, in order,
// with a refetch on a missed diff, and a search's count kept right.
import { describe, expect, it } from "vitest";
import type { DevicesChanged } from "../../../shared/protocol/frames.js";
import type { DevicesListResult } from "../../../shared/protocol/rpc.js";
import type { DeviceView } from "../../../shared/protocol/views.js";
import { appendPage, applyDiff, changesDevices, listFromPage, type DevicesList } from "../../../web/src/lib/devices-list.js";
import { deviceView } from "../../support/web-client.js";

const T0 = 1_764_028_800_000;
const device = (n: number, overrides: Partial<DeviceView> = {}) =>
  deviceView({ id: n.toString(16).padStart(64, "0"), name: `Device ${n}`, approvedAtMs: T0 + n, current: false, ...overrides });

const page = (devices: DeviceView[], extra: Partial<DevicesListResult> = {}): DevicesListResult => ({
  devices,
  total: devices.length,
  nextCursor: null,
  seq: 4,
  pending: [],
  invites: [],
  ...extra,
});

const diff = (seq: number, extra: Partial<DevicesChanged> = {}): DevicesChanged => ({ seq, upserts: [], removed: [], presence: [], ...extra });
const gone = (d: DeviceView) => ({ id: d.id, name: d.name, fingerprint: d.fingerprint, approvedAtMs: d.approvedAtMs });

function applied(list: DevicesList, d: DevicesChanged): DevicesList {
  const next = applyDiff(list, d);
  if (typeof next === "string") throw new Error(`expected the diff to apply, got ${next}`);
  return next;
}

describe("devices list model", () => {
  it("applies the next diff, ignores one it already reflects, and asks for a refetch after a gap", () => {
    const list = listFromPage("", page([device(2), device(1)]));
    expect(applyDiff(list, diff(4))).toBe("stale");
    expect(applyDiff(list, diff(3))).toBe("stale");
    expect(applyDiff(list, diff(6))).toBe("gap");
    expect(applied(list, diff(5)).seq).toBe(5);
  });

  it("puts a new device on top, replaces a renamed one in place, drops a revoked one, and keeps the total", () => {
    let list = listFromPage("", page([device(2), device(1)]));
    list = applied(list, diff(5, { upserts: [device(3)] }));
    expect(list.rows.map((d) => d.name)).toEqual(["Device 3", "Device 2", "Device 1"]);
    expect(list.total).toBe(3);
    list = applied(list, diff(6, { upserts: [device(1, { name: "Kitchen" })] }));
    expect(list.rows.map((d) => d.name)).toEqual(["Device 3", "Device 2", "Kitchen"]);
    expect(list.total).toBe(3);
    list = applied(list, diff(7, { removed: [gone(device(2))] }));
    expect(list.rows.map((d) => d.name)).toEqual(["Device 3", "Kitchen"]);
    expect(list.total).toBe(2);
  });

  it("updates presence of loaded rows only, and takes pending and invites whole when sent", () => {
    const list = listFromPage("", page([device(2), device(1)]));
    const presence = [
      { id: device(1).id, online: 0, lastSeenAtMs: T0 + 99, lastSeenFrom: null },
      { id: device(9).id, online: 3, lastSeenAtMs: T0, lastSeenFrom: null },
    ];
    const next = applied(list, diff(5, { presence }));
    expect(next.rows.map((d) => [d.name, d.online, d.lastSeenAtMs])).toEqual([
      ["Device 2", 1, T0],
      ["Device 1", 0, T0 + 99],
    ]);
    expect(next.pending).toBe(list.pending);
    expect(changesDevices(diff(5, { presence }))).toBe(false);
    const withInvites = diff(6, { invites: [] });
    expect(changesDevices(withInvites)).toBe(true);
    expect(applied(next, withInvites).invites).toEqual([]);
  });

  it("keeps a search's rows and count right: a rename out of the search drops the row, a device that doesn't match is not added", () => {
    let list = listFromPage("lab", page([device(2, { name: "Lab 2" }), device(1, { name: "Lab 1" })]));
    list = applied(list, diff(5, { upserts: [device(3, { name: "Desk 3" })] }));
    expect(list.rows.map((d) => d.name)).toEqual(["Lab 2", "Lab 1"]);
    list = applied(list, diff(6, { upserts: [device(1, { name: "Desk 1" })] }));
    expect(list.rows.map((d) => d.name)).toEqual(["Lab 2"]);
    expect(list.total).toBe(1);
    // A revoked device that was never loaded still leaves the count when it matched the search.
    list = { ...list, nextCursor: "1.x", total: 5 };
    list = applied(list, diff(7, { removed: [gone(device(0, { name: "Lab 0" })), gone(device(8, { name: "Desk 8" }))] }));
    expect(list.total).toBe(4);
  });

  it("leaves an update beyond the loaded pages to arrive with its page", () => {
    const list = listFromPage("", page([device(9), device(8)], { total: 9, nextCursor: "cursor" }));
    const next = applied(list, diff(5, { upserts: [device(3, { name: "Renamed" })] }));
    expect(next.rows.map((d) => d.name)).toEqual(["Device 9", "Device 8"]);
    expect(next.total).toBe(9);
  });

  it("appends the next page when it fits the diffs applied so far, and asks for a refetch when it does not", () => {
    const list = listFromPage("", page([device(9), device(8)], { total: 4, nextCursor: "c1" }));
    const more = appendPage(list, page([device(8), device(7), device(6)], { total: 4, nextCursor: null }));
    expect(more?.rows.map((d) => d.name)).toEqual(["Device 9", "Device 8", "Device 7", "Device 6"]);
    expect(more?.nextCursor).toBeNull();
    expect(appendPage(list, page([device(7)], { seq: 5 }))).toBeNull();
  });
});
