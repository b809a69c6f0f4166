// Issue 16 item 3: the admin list at scale. devices.changed carries diffs with a sequence number, devices.list
// pages and searches on the server, and gateway.status counts without reading the device list.
import { afterEach, describe, expect, it } from "vitest";
import { DEVICES_PAGE_MAX, type DevicesChanged, type DevicesListResult, type DeviceView, type GatewayStatus } from "../../shared/index.js";
import { chunkDiff, DIFF_CHUNK_ITEMS } from "../../server/src/gateway/devices-diff.js";
import type { DeviceStore } from "../../server/src/store/device-store.js";
import { SqliteStore } from "../../server/src/store/sqlite-store.js";
import { startGateway, tempStateDir } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { deviceRecord } from "../contract/device-store.contract.js";
import { CLI, eventsOf, pairDevice, requestPairing, waitForEvent, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const list = async (client: Awaited<ReturnType<typeof pairDevice>>["client"], params: Record<string, unknown> = {}) => {
  const res = await client.call<DevicesListResult>("devices.list", params);
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.result;
};

const seqs = (client: Awaited<ReturnType<typeof pairDevice>>["client"]) => (eventsOf(client, "devices.changed") as DevicesChanged[]).map((d) => d.seq);

describe("devices.changed diffs", () => {
  it("numbers diffs one by one after the seq of the list the tab loaded, and carries renames, approvals and revokes by id", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin", name: "Admin" });
    const viewer = await pairDevice(h, { role: "viewer", name: "Viewer" });
    const start = await list(admin.client);
    const before = seqs(admin.client).filter((s) => s > start.seq).length;

    await admin.client.call("devices.rename", { deviceId: viewer.key.deviceId, name: "Living room" });
    const renamed = await waitForEvent(admin.client, "devices.changed", (d) => d.upserts.some((x) => x.name === "Living room"));
    expect(renamed.upserts).toEqual([expect.objectContaining({ id: viewer.key.deviceId, name: "Living room", online: 1, current: false })]);
    expect(renamed.removed).toEqual([]);

    const { pairing, key } = await requestPairing(h.url);
    await h.gateway.dispatch(CLI, "devices.approve", { code: pairing.request.code });
    const approved = await waitForEvent(admin.client, "devices.changed", (d) => d.upserts.some((x) => x.id === key.deviceId));
    expect(approved.pending).toEqual([]);

    await h.gateway.dispatch(CLI, "devices.revoke", { deviceId: viewer.key.deviceId });
    const revoked = await waitForEvent(admin.client, "devices.changed", (d) => d.removed.length > 0);
    expect(revoked.removed).toEqual([
      { id: viewer.key.deviceId, name: "Living room", fingerprint: viewer.key.fingerprint, approvedAtMs: viewer.device.approvedAtMs },
    ]);
    expect(revoked.upserts).toEqual([]);

    // Every diff after the list's seq, in order and without a gap: a tab that sees a gap knows to refetch.
    const after = seqs(admin.client).filter((s) => s > start.seq);
    expect(after.length).toBeGreaterThanOrEqual(before + 3);
    expect(after).toEqual(after.map((_, i) => start.seq + 1 + i));
    // A fresh list says where the diffs stand now.
    expect((await list(admin.client)).seq).toBe(after.at(-1));
  });

  it("marks the admin's own device as current only in that admin's copy of a diff", async () => {
    h = await startGateway();
    const a1 = await pairDevice(h, { role: "admin", name: "First" });
    const a2 = await pairDevice(h, { role: "admin", name: "Second" });
    await a1.client.call("devices.rename", { deviceId: a1.key.deviceId, name: "First renamed" });
    const own = await waitForEvent(a1.client, "devices.changed", (d) => d.upserts.some((x) => x.name === "First renamed"));
    const other = await waitForEvent(a2.client, "devices.changed", (d) => d.upserts.some((x) => x.name === "First renamed"));
    // The rename may share its diff with the second admin's approval (diffs are coalesced), so find the row by id.
    const renamed = (d: typeof own) => d.upserts.find((x) => x.id === a1.key.deviceId);
    expect(renamed(own)).toMatchObject({ name: "First renamed", current: true });
    expect(renamed(other)).toMatchObject({ name: "First renamed", current: false });
    expect(own.seq).toBe(other.seq);
  });

  it("sends presence (online count, last seen, from where) when a device's sockets come and go, without the device record", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const key = makeTestKey();
    await pairDevice(h, { role: "viewer", key }).then((v) => v.client.close());
    await waitForEvent(admin.client, "devices.changed", (d) => d.upserts.some((x) => x.id === key.deviceId)); // its approval
    await waitForEvent(admin.client, "devices.changed", (d) => d.presence.some((p) => p.id === key.deviceId && p.online === 0)); // and its close
    const from = admin.client.frames.length;
    const c = await connectClient(h.url, key);
    await c.hello();
    await c.next("welcome");
    const online = await waitForEvent(admin.client, "devices.changed", (d) => d.presence.some((p) => p.id === key.deviceId && p.online === 1), { from });
    expect(online.presence.find((p) => p.id === key.deviceId)).toEqual({
      id: key.deviceId,
      online: 1,
      lastSeenAtMs: expect.any(Number),
      lastSeenFrom: { address: "127.0.0.1", networkClass: "loopback" },
    });
    expect(online.upserts).toEqual([]);
    c.close();
    await c.closed;
    await waitForEvent(admin.client, "devices.changed", (d) => d.presence.some((p) => p.id === key.deviceId && p.online === 0), { from });
  });

  it("sends pending and invites whole, and only in the diffs where they changed", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    await waitForEvent(admin.client, "devices.changed", (d) => d.upserts.some((x) => x.id === admin.key.deviceId)); // its own approval
    const from = admin.client.frames.length;
    await h.gateway.dispatch(CLI, "invites.create", { role: "viewer", label: "for bob" });
    const invites = await waitForEvent(admin.client, "devices.changed", (d) => d.invites !== undefined, { from });
    expect(invites.invites).toEqual([expect.objectContaining({ label: "for bob", status: "active" })]);
    expect(invites.pending).toBeUndefined();
    const { pairing } = await requestPairing(h.url);
    const pending = await waitForEvent(admin.client, "devices.changed", (d) => d.pending !== undefined, { from });
    expect(pending.pending).toEqual([expect.objectContaining({ id: pairing.request.id, online: true })]);
    expect(pending.invites).toBeUndefined();
  });

  it("adds a device paired by invite as an upsert", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const created = await h.gateway.dispatch(CLI, "invites.create", { role: "viewer" });
    const key = makeTestKey();
    const c = await connectClient(h.url, key);
    await c.hello({ invite: (created as { token: string }).token });
    await c.next("welcome");
    const diff = await waitForEvent(admin.client, "devices.changed", (d) => d.upserts.some((x) => x.id === key.deviceId));
    expect(diff.upserts.find((x) => x.id === key.deviceId)).toMatchObject({ approvedVia: "invite", role: "viewer" });
  });

  it("splits a large diff into frames of bounded size, pending and invites in the first", () => {
    const presence = Array.from({ length: DIFF_CHUNK_ITEMS.presence * 2 + 1 }, (_, i) => ({ id: `d${i}`, online: 0, lastSeenAtMs: 1, lastSeenFrom: null }));
    const chunks = chunkDiff({ upserts: [], removed: [], presence, pending: [], invites: [] });
    expect(chunks.map((c) => c.presence.length)).toEqual([DIFF_CHUNK_ITEMS.presence, DIFF_CHUNK_ITEMS.presence, 1]);
    expect(chunks.flatMap((c) => c.presence)).toEqual(presence);
    expect(chunks.map((c) => [c.pending !== undefined, c.invites !== undefined])).toEqual([
      [true, true],
      [false, false],
      [false, false],
    ]);
    expect(chunkDiff({ upserts: [], removed: [], presence: [] })).toEqual([{ upserts: [], removed: [], presence: [] }]);
  });
});

describe("devices.list paging and search", () => {
  async function seeded(count: number) {
    const stateDir = tempStateDir();
    const seed = new SqliteStore(`${stateDir}/pairgate.db`);
    const devices = Array.from({ length: count }, (_, i) => deviceRecord({ name: i % 10 === 0 ? `Lab ${i}` : `Desk ${i}`, approvedAtMs: 1_000_000 + i }));
    await seed.insertDevices(devices);
    await seed.close();
    h = await startGateway({ stateDir });
    return { admin: await pairDevice(h, { role: "admin", name: "Admin" }), devices };
  }

  it("pages newest first with nextCursor until null, with the total on every page", async () => {
    const { admin } = await seeded(25);
    const seen: DeviceView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: DevicesListResult = await list(admin.client, { limit: 10, ...(cursor ? { cursor } : {}) });
      expect(page.total).toBe(26);
      seen.push(...page.devices);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(26);
    expect(new Set(seen.map((d) => d.id)).size).toBe(26);
    expect(seen[0]).toMatchObject({ name: "Admin", current: true }); // approved last, so first
    expect(seen.slice(1).map((d) => d.approvedAtMs)).toEqual([...seen.slice(1).map((d) => d.approvedAtMs)].sort((a, b) => b - a));
  });

  it("searches on the server, with a count of the matches", async () => {
    const { admin, devices } = await seeded(40);
    const page = await list(admin.client, { query: "lab", limit: 3 });
    expect(page.total).toBe(4);
    expect(page.devices.map((d) => d.name)).toEqual(["Lab 30", "Lab 20", "Lab 10"]);
    const rest = await list(admin.client, { query: "lab", limit: 3, cursor: page.nextCursor });
    expect(rest.devices.map((d) => d.name)).toEqual(["Lab 0"]);
    expect(rest.nextCursor).toBeNull();
    const byFingerprint = await list(admin.client, { query: devices[7]!.fingerprint });
    expect(byFingerprint.devices.map((d) => d.id)).toContain(devices[7]!.id);
  });

  it("refuses a bad cursor, a page over the maximum and an over-long query with invalid_params, and keeps the socket open", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    for (const params of [{ cursor: "not-a-cursor" }, { limit: DEVICES_PAGE_MAX + 1 }, { limit: 0 }, { query: "x".repeat(65) }]) {
      expect(await admin.client.call("devices.list", params), JSON.stringify(params)).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    }
    expect((await list(admin.client)).devices).toHaveLength(1);
  });

  it("answers gateway.status with counts and never reads the device list", async () => {
    const stateDir = tempStateDir();
    const sqlite = new SqliteStore(`${stateDir}/pairgate.db`);
    await sqlite.insertDevices(Array.from({ length: 30 }, () => deviceRecord()));
    const reads: string[] = [];
    // Every store call goes through; list reads are recorded.
    const store = new Proxy(sqlite, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (prop === "listDevices" || prop === "listDevicesPage") reads.push(String(prop));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as DeviceStore;
    h = await startGateway({ stateDir, store });
    const admin = await pairDevice(h, { role: "admin" });
    reads.length = 0;
    const res = await admin.client.call<GatewayStatus>("gateway.status");
    expect(res.ok && res.result.counts).toEqual({ devices: 31, pending: 0, online: 1 });
    expect(reads).toEqual([]);
  });
});
