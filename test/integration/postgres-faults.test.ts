// PostgresStore when Postgres misbehaves under it, on a real cluster: a backend terminated right after its startup
// (through a small TCP proxy that delivers the FATAL in the same read as ReadyForQuery, as a restart or
// pg_terminate_backend at that moment does), pooled backends terminated mid-traffic, a Postgres restart under
// traffic, and a row lock that another session never releases. Every operation settles (none hangs), the process
// does not crash, and the store works again afterwards. docs/scaling.md "Faults" says why each matters.
import { createServer, connect, type Server, type Socket } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../../server/src/store/postgres-store.js";
import { startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster.js";
import { deviceRecord, pendingRecord } from "../contract/device-store.contract.js";

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

/** Settles with the outcome, or "hung" when the operation took longer than `ms`. */
async function settle(p: Promise<unknown>, ms: number): Promise<"ok" | "failed" | "hung"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<"hung">((r) => (timer = setTimeout(() => r("hung"), ms)));
  try {
    return await Promise.race([
      p.then(
        () => "ok" as const,
        () => "failed" as const,
      ),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One approval as the gateway makes it: a request, then the transaction that approves it. */
async function approveOne(store: PostgresStore): Promise<boolean> {
  const req = pendingRecord();
  await store.createPending(req, { atMs: req.createdAtMs, action: "request_created", actor: "test" });
  const device = deviceRecord({ id: req.deviceId, publicKey: req.publicKey, fingerprint: req.fingerprint });
  return store.approvePending(req.id, req.createdAtMs + 1, device, [{ atMs: req.createdAtMs, action: "approved", actor: "test" }]);
}

/** Runs `workers` approval loops until stop(); counts outcomes, and any operation slower than `hangMs` as hung. */
function traffic(store: PostgresStore, workers = 8, hangMs = 20_000) {
  const counts = { ok: 0, failed: 0, hung: 0 };
  let stopped = false;
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped) {
      counts[await settle(approveOne(store), hangMs)]++;
      await new Promise((r) => setTimeout(r, 10));
    }
  });
  return { counts, stop: async () => ((stopped = true), await Promise.all(loops), counts) };
}

const backendsOf = (replicaId: string) => `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pairgate ${replicaId}'`;
const terminate = (replicaId: string) =>
  cluster.psql(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'pairgate ${replicaId}'`).trim();

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A TCP proxy to the cluster. While `killNew` is on, each new connection gets its startup through, then, in the
 * very read that carries its first ReadyForQuery, a FATAL 57P01 ErrorResponse, and is closed: what a client sees
 * when its backend is terminated the instant it became ready.
 */
async function startKillingProxy(port: number): Promise<{ url: string; killNew: boolean; killed: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { killNew: false, killed: 0 };
  const server: Server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    sockets.add(client).add(upstream);
    const kill = state.killNew;
    let pending = Buffer.alloc(0);
    let done = false;
    upstream.on("data", (chunk: Buffer) => {
      if (!kill || done) return void client.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      // Server messages are a type byte and an int32 length that counts itself; find the end of the first 'Z'.
      for (let at = 0; at + 5 <= pending.length; ) {
        const end = at + 1 + pending.readInt32BE(at + 1);
        if (end > pending.length) return;
        if (pending[at] === 0x5a) {
          done = true;
          state.killed++;
          client.end(Buffer.concat([pending.subarray(0, end), fatal57P01()]));
          upstream.destroy();
          return;
        }
        at = end;
      }
    });
    client.on("data", (chunk) => upstream.write(chunk));
    for (const s of [client, upstream]) {
      s.on("error", () => undefined); // the other side's close ends both; nothing to report in a proxy
      s.on("close", () => (sockets.delete(s), client.destroy(), upstream.destroy()));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const proxyPort = (server.address() as { port: number }).port;
  return {
    url: `postgres://pairgate@127.0.0.1:${proxyPort}/pairgate`,
    get killNew() {
      return state.killNew;
    },
    set killNew(v: boolean) {
      state.killNew = v;
    },
    get killed() {
      return state.killed;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

function fatal57P01(): Buffer {
  const fields = Buffer.from("SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0", "latin1");
  const head = Buffer.alloc(5);
  head.write("E", 0, "latin1");
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}

describe("PostgresStore under faults", () => {
  it("fails, without crashing the process, a transaction whose new connection is terminated as it becomes ready, and works after", async () => {
    const proxy = await startKillingProxy(cluster.port);
    const store = await PostgresStore.open(proxy.url, { replicaId: "rep_fresh", onError: () => undefined });
    // Seen before the test runner's own handler: in a gateway process, each of these would have been a crash.
    const uncaught: unknown[] = [];
    const monitor = (err: unknown) => void uncaught.push(err);
    process.on("uncaughtExceptionMonitor", monitor);
    try {
      // Empty the pool, so that the next transactions open new connections through the proxy.
      expect(Number(terminate("rep_fresh"))).toBeGreaterThan(0);
      await until("the pool's backends to go", () => cluster.psql(backendsOf("rep_fresh")).trim() === "0");
      await new Promise((r) => setTimeout(r, 200)); // the FATAL reaches the idle clients and the pool drops them
      proxy.killNew = true;
      const outcomes = await Promise.all(Array.from({ length: 4 }, () => settle(approveOne(store), 20_000)));
      expect(proxy.killed).toBeGreaterThan(0);
      expect(outcomes.every((o) => o === "failed")).toBe(true);
      proxy.killNew = false;
      expect(await approveOne(store)).toBe(true);
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtExceptionMonitor", monitor);
      await store.close();
      await proxy.close();
    }
  });

  it("keeps approving, with no operation hanging, while its pooled backends are terminated under traffic", async () => {
    const store = await PostgresStore.open(cluster.url, { replicaId: "rep_term", onError: () => undefined });
    try {
      const load = traffic(store);
      await until("some approvals", () => load.counts.ok >= 20, 30_000);
      for (let i = 0; i < 5; i++) {
        terminate("rep_term");
        await new Promise((r) => setTimeout(r, 300));
      }
      const okBefore = load.counts.ok;
      await until("approvals after the terminations", () => load.counts.ok >= okBefore + 50, 30_000);
      const counts = await load.stop();
      console.log("pg_terminate_backend ×5 under traffic:", JSON.stringify(counts));
      expect(counts.hung).toBe(0);
      // The pool recovered: every one of a fresh batch succeeds.
      expect(await Promise.all(Array.from({ length: 10 }, () => approveOne(store)))).toEqual(Array(10).fill(true));
    } finally {
      await store.close();
    }
  }, 120_000);

  it("keeps approving on the same store for 15 s after a Postgres restart under traffic, with no operation hanging", async () => {
    const problems: string[] = [];
    const store = await PostgresStore.open(cluster.url, { replicaId: "rep_restart", onError: (m) => problems.push(m) });
    try {
      const load = traffic(store);
      await until("some approvals", () => load.counts.ok >= 20, 30_000);
      await cluster.restart();
      const okAtRestart = load.counts.ok;
      await new Promise((r) => setTimeout(r, 15_000));
      const counts = await load.stop();
      console.log("Postgres restart under traffic, then 15 s:", JSON.stringify(counts), `${counts.ok - okAtRestart} approvals after the restart`);
      expect(counts.hung).toBe(0);
      expect(counts.ok - okAtRestart).toBeGreaterThan(100);
      expect(await Promise.all(Array.from({ length: 10 }, () => approveOne(store)))).toEqual(Array(10).fill(true));
      expect(store.changes.health().listening).toBe(true);
    } finally {
      await store.close();
    }
  }, 120_000);

  it("fails, instead of waiting forever, a change to a row that another session keeps locked", async () => {
    const store = await PostgresStore.open(cluster.url, { replicaId: "rep_lock", statementTimeoutMs: 1000 });
    const holder = new pg.Client({ connectionString: cluster.url });
    await holder.connect();
    try {
      const device = deviceRecord();
      await store.insertDevices([device]);
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM devices WHERE id = $1 FOR UPDATE", [device.id]);
      const started = Date.now();
      const outcome = await settle(store.revokeDevice(device.id, Date.now(), "test", { atMs: Date.now(), action: "revoked", actor: "test" }), 10_000);
      expect(outcome).toBe("failed");
      expect(Date.now() - started).toBeLessThan(5000);
      await holder.query("ROLLBACK");
      expect(await store.revokeDevice(device.id, Date.now(), "test", { atMs: Date.now(), action: "revoked", actor: "test" })).toBe(true);
    } finally {
      await holder.end();
      await store.close();
    }
  });
});
