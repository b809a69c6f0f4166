// The handshake's device cache on a shared Postgres store, with two stores as two replicas on one cluster: a
// revoke or rename made on the other replica is seen from the moment its NOTIFY arrives, the cache is bypassed
// while the change feed is down, and a resync empties it, so a revoked device is never served from it.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceCache } from "../../server/src/pairing/device-cache.js";
import type { StoreChange } from "../../server/src/store/device-store.js";
import { PostgresStore } from "../../server/src/store/postgres-store.js";
import { startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster.js";
import { deviceRecord } from "../contract/device-store.contract.js";

let cluster: PostgresCluster;
let a: PostgresStore;
let b: PostgresStore;
beforeAll(async () => {
  cluster = await startPostgresCluster();
  const url = await cluster.createDatabase(`cache_${randomBytes(3).toString("hex")}`);
  a = await PostgresStore.open(url, { replicaId: "rep_cache_a" });
  b = await PostgresStore.open(url, { replicaId: "rep_cache_b", pingMs: 200, pingTimeoutMs: 500, maxBackoffMs: 200 });
}, 120_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await cluster?.stop();
});

/** Resolves with what the cache on B answers for `id` synchronously inside B's handler of the next change. */
function cacheAtNextChange(cache: DeviceCache, id: string) {
  return new Promise<{ change: StoreChange; answer: Promise<unknown> }>((resolve) => {
    const off = b.changes.subscribe({
      onChange: (change) => {
        if (change.id !== id) return;
        off();
        resolve({ change, answer: cache.get(id) });
      },
      onResync: () => undefined,
    });
  });
}

const audit = (action: "revoked" | "renamed") => ({ atMs: 1, action, actor: "test" });

describe("DeviceCache on replicas", () => {
  it("serves a device from the cache, and drops it the moment a revoke made on another replica arrives", async () => {
    const cache = new DeviceCache(b);
    const device = deviceRecord();
    await a.insertDevices([device]);
    expect((await cache.get(device.id))?.revokedAtMs).toBeNull();
    // Cached: a change written behind the store's back (no NOTIFY) is not seen, which proves the row came from memory.
    cluster.psql(`UPDATE devices SET name = 'behind its back' WHERE id = '${device.id}'`, new URL(a.info().location).pathname.slice(1));
    expect((await cache.get(device.id))?.name).toBe(device.name);
    const seen = cacheAtNextChange(cache, device.id);
    expect(await a.revokeDevice(device.id, 2, "admin on A", audit("revoked"))).toBe(true);
    const { change, answer } = await seen;
    expect(change.type).toBe("device.revoked");
    expect(await answer).toMatchObject({ id: device.id, revokedAtMs: 2, revokedBy: "admin on A" });
    expect((await cache.get(device.id))?.revokedAtMs).toBe(2);
  });

  it("sees a rename made on another replica", async () => {
    const cache = new DeviceCache(b);
    const device = deviceRecord();
    await a.insertDevices([device]);
    expect((await cache.get(device.id))?.name).toBe(device.name);
    const seen = cacheAtNextChange(cache, device.id);
    expect(await a.renameDevice(device.id, "Renamed on A", audit("renamed"))).toBe(true);
    expect(await (await seen).answer).toMatchObject({ name: "Renamed on A" });
  });

  it("reads the store while its change feed is down, and is empty after the resync", async () => {
    const cache = new DeviceCache(b);
    const device = deviceRecord();
    await a.insertDevices([device]);
    expect((await cache.get(device.id))?.revokedAtMs).toBeNull();
    cluster.psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pairgate-listen rep_cache_b'`);
    const deadline = Date.now() + 5000;
    while (b.changes.health().listening && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(b.changes.health().listening).toBe(false);
    // Revoked while B can't hear it: B's cache must not answer from memory.
    expect(await a.revokeDevice(device.id, 3, "admin on A", audit("revoked"))).toBe(true);
    expect((await cache.get(device.id))?.revokedAtMs).toBe(3);
    while (!b.changes.health().listening && Date.now() < deadline + 5000) await new Promise((r) => setTimeout(r, 20));
    expect(b.changes.health().listening).toBe(true);
    expect((await cache.get(device.id))?.revokedAtMs).toBe(3);
  });
});
