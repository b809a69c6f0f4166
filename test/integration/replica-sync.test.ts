// ReplicaSync on two Postgres stores (two replicas on one cluster): an approval made on A becomes, on B, the same
// pairing.resolved event B would have made. When a socket on B waits on the request, B knows the device id and
// reads both rows at once; the event must be the same either way, and an approval revoked since must not welcome.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplicaSync } from "../../server/src/gateway/replica-sync.js";
import type { PairingEvent } from "../../server/src/pairing/events.js";
import { PostgresStore } from "../../server/src/store/postgres-store.js";
import { startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster.js";
import { deviceRecord, pendingRecord } from "../contract/device-store.contract.js";

let cluster: PostgresCluster;
let a: PostgresStore;
let b: PostgresStore;
beforeAll(async () => {
  cluster = await startPostgresCluster();
  const url = await cluster.createDatabase(`sync_${randomBytes(3).toString("hex")}`);
  a = await PostgresStore.open(url, { replicaId: "rep_sync_a" });
  b = await PostgresStore.open(url, { replicaId: "rep_sync_b" });
}, 120_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await cluster?.stop();
});

/** A ReplicaSync on B whose waiting sockets say `waiting` (request id → device id); returns the events it announces. */
function syncOnB(waiting: Map<string, string>) {
  const events: PairingEvent[] = [];
  const sync = new ReplicaSync({
    store: b,
    announce: (e) => events.push(e),
    openDeviceIds: () => [],
    waitingRequestIds: () => [...waiting.keys()],
    waitingDeviceId: (id) => waiting.get(id),
    now: Date.now,
    onError: (err) => {
      throw err;
    },
  });
  return { sync, events };
}

async function approvedOnA(code: string) {
  const p = pendingRecord({ code });
  await a.createPending(p, { atMs: 1, action: "request_created", actor: "t" });
  const device = deviceRecord({ id: p.deviceId, publicKey: p.publicKey });
  expect(await a.approvePending(p.id, p.createdAtMs, device, [])).toBe(true);
  return { p, device };
}

describe("ReplicaSync: an approval on another replica", () => {
  it("announces approved with the device, whether or not a socket here waits on the request", async () => {
    const { p, device } = await approvedOnA("CDFGHJKL");
    for (const waiting of [new Map([[p.id, p.deviceId]]), new Map<string, string>()]) {
      const { sync, events } = syncOnB(waiting);
      await sync.apply({ type: "pairing.resolved", id: p.id });
      expect(events).toEqual([
        {
          type: "pairing.resolved",
          request: expect.objectContaining({ id: p.id, status: "approved" }),
          outcome: "approved",
          device: expect.objectContaining({ id: device.id, revokedAtMs: null }),
        },
      ]);
    }
  });

  it("reads the request's own device when the waiting socket's id does not match it", async () => {
    const { p, device } = await approvedOnA("DFGHJKLM");
    const other = deviceRecord();
    await a.insertDevices([other]);
    const { sync, events } = syncOnB(new Map([[p.id, other.id]]));
    await sync.apply({ type: "pairing.resolved", id: p.id });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: "approved", device: { id: device.id } });
  });

  it("does not welcome a request approved and revoked since, and says nothing of a request still pending", async () => {
    const { p, device } = await approvedOnA("FGHJKLMN");
    expect(await a.revokeDevice(device.id, 2, "admin", { atMs: 2, action: "revoked", actor: "admin" })).toBe(true);
    const still = pendingRecord({ code: "GHJKLMNP" });
    await a.createPending(still, { atMs: 1, action: "request_created", actor: "t" });
    const { sync, events } = syncOnB(
      new Map([
        [p.id, p.deviceId],
        [still.id, still.deviceId],
      ]),
    );
    await sync.apply({ type: "pairing.resolved", id: p.id });
    await sync.apply({ type: "pairing.resolved", id: still.id });
    expect(events).toEqual([{ type: "pairing.resolved", request: expect.objectContaining({ id: p.id }), outcome: "rejected" }]);
  });
});
