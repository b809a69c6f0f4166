// The DeviceStore contract against PostgresStore on a throwaway cluster (initdb in a temp dir, as `nobody` when
// run as root), each test on its own fresh database; plus what only a shared store promises: migrations under
// an advisory lock, a newer schema refused, NOTIFY on commit only, a clear error when Postgres is down.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreChange } from "../../server/src/store/device-store.js";
import { PostgresStore } from "../../server/src/store/postgres-store.js";
import { startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster.js";
import { deviceRecord, pendingRecord, runDeviceStoreContract } from "./device-store.contract.js";

let cluster: PostgresCluster;
let serial = 0;
const urls = new WeakMap<PostgresStore, string>();

async function openAt(url: string, replicaId = `test-${++serial}`): Promise<PostgresStore> {
  const store = await PostgresStore.open(url, { replicaId });
  urls.set(store, url);
  return store;
}
const freshDb = () => cluster.createDatabase(`contract_${++serial}_${randomBytes(3).toString("hex")}`);

beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

let contractUrl: string | null = null;

/** One database for the contract suite, emptied before each test: much faster than a new database each time. */
async function emptied(): Promise<string> {
  contractUrl ??= await freshDb();
  const store = await openAt(contractUrl); // creates the tables on first use
  await store.close();
  const c = new pg.Client({ connectionString: contractUrl });
  await c.connect();
  await c.query("TRUNCATE meta, devices, pending, invites, audit, sessions RESTART IDENTITY");
  await c.end();
  return contractUrl;
}

runDeviceStoreContract("PostgresStore", {
  open: async () => openAt(await emptied()),
  reopen: async (store) => {
    const url = urls.get(store as PostgresStore);
    if (!url) throw new Error("reopen: not a store this harness opened");
    await store.close();
    return openAt(url);
  },
});

describe("PostgresStore on a real cluster", () => {
  it("migrates a new database to the latest schema once, even when three replicas start at the same moment", async () => {
    const url = await freshDb();
    const stores = await Promise.all([openAt(url), openAt(url), openAt(url)]);
    try {
      expect(stores.map((s) => s.info().schemaVersion)).toEqual([6, 6, 6]);
      expect(cluster.psql("SELECT version || ':' || name FROM pairgate_schema ORDER BY version", new URL(url).pathname.slice(1)).trim().split("\n")).toEqual([
        "1:initial schema",
        "2:unique live pairing codes",
        "3:device list order and name indexes",
        "4:device expiry and revoke reasons",
        "5:device sessions",
        "6:session tickets",
      ]);
      // One gateway id for all of them, created by whichever came first.
      const ids = await Promise.all(stores.map((s, i) => s.loadGatewayId(() => `gw-${i}`)));
      expect(new Set(ids).size).toBe(1);
      expect(stores[0]!.info()).toEqual({ kind: "postgres", location: url, schemaVersion: 6 });
    } finally {
      for (const s of stores) await s.close();
    }
  });

  it("refuses a database migrated by a newer pairgate, with store error schema_too_new, and leaves it untouched", async () => {
    const url = await freshDb();
    await (await openAt(url)).close();
    const db = new URL(url).pathname.slice(1);
    cluster.psql("INSERT INTO pairgate_schema (version, name) VALUES (7, 'from the future')", db);
    await expect(openAt(url)).rejects.toMatchObject({
      name: "StoreError",
      code: "schema_too_new",
      message: expect.stringContaining("schema version 7, newer than this pairgate understands (6)"),
    });
    expect(cluster.psql("SELECT max(version) FROM pairgate_schema", db).trim()).toBe("7");
  });

  it("says store_unavailable, with the address, no password and the cause, when nothing listens there", async () => {
    const err = await PostgresStore.open(`postgres://pairgate:s3cret-pw@127.0.0.1:1/pairgate`, { replicaId: "x" }).then(
      () => null,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err).toMatchObject({ name: "StoreError", code: "store_unavailable" });
    expect(err!.message).toMatch(/cannot use the Postgres database at postgres:\/\/pairgate:\*\*\*@127\.0\.0\.1:1\/pairgate: connection refused/);
    expect(err!.message).not.toContain("s3cret-pw");
  });

  it("tells other replicas about a change only after it commits, with ids only, and not the replica that made it", async () => {
    const url = await freshDb();
    const [a, b] = [await openAt(url, "replica-a"), await openAt(url, "replica-b")];
    const seen = { a: [] as StoreChange[], b: [] as StoreChange[] };
    a.changes.subscribe({ onChange: (c) => seen.a.push(c), onResync: () => undefined });
    b.changes.subscribe({ onChange: (c) => seen.b.push(c), onResync: () => undefined });
    const raw: string[] = [];
    const spy = new pg.Client({ connectionString: url });
    await spy.connect();
    spy.on("notification", (m) => raw.push(m.payload ?? ""));
    await spy.query("LISTEN pairgate_changes");
    try {
      const d = deviceRecord();
      await a.insertDevices([d]);
      const p = pendingRecord();
      await a.createPending(p, { atMs: 1, action: "request_created", actor: "t" });
      expect(await a.approvePending(p.id, p.createdAtMs, deviceRecord({ id: p.deviceId, publicKey: p.publicKey }), [], { deviceId: d.id, by: "Alice" })).toBe(
        true,
      );
      // A change that fails rolls back, and its NOTIFY with it.
      const taken = pendingRecord({ code: "BCDFGHJK" });
      await a.createPending(taken, { atMs: 1, action: "request_created", actor: "t" });
      await expect(a.createPending(pendingRecord({ code: "BCDFGHJK" }), { atMs: 1, action: "request_created", actor: "t" })).rejects.toMatchObject({
        code: "code_taken",
      });
      await a.revokeDevice(d.id, 5, "Bob", { atMs: 5, action: "revoked", actor: "Bob" }); // already revoked: no change, no notice
      await a.renameDevice(p.deviceId, "Kitchen", { atMs: 6, action: "renamed", actor: "Bob" });
      await waitFor(() => seen.b.length >= 5);
      await new Promise((r) => setTimeout(r, 200)); // room for any notice that should not come
      expect(seen.b).toEqual([
        { type: "pairing.requested", id: p.id },
        { type: "device.revoked", id: d.id },
        { type: "pairing.resolved", id: p.id },
        { type: "pairing.requested", id: taken.id },
        { type: "device.updated", id: p.deviceId },
      ]);
      expect(seen.a).toEqual([]);
      expect(raw).toHaveLength(5);
      for (const payload of raw) expect(Object.keys(JSON.parse(payload)).sort()).toEqual(["from", "id", "type"]);
    } finally {
      await spy.end();
      await a.close();
      await b.close();
    }
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
