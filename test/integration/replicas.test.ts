// Several gateway replicas on one Postgres (docs/scaling.md), as real `pairgate start` processes on a throwaway
// cluster: approve on one and the tab waiting on another is welcomed; revoke on one and sockets on every other
// close; codes, invites and approvals hold across replicas; and the faults (kill -9 of a replica mid-approvals,
// a Postgres restart under traffic, the LISTEN backend terminated) each end with a resync, nothing acknowledged
// lost and no revoked device still connected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { runCli, tempStateDir } from "../support/gateway-harness.js";
import { startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster.js";
import { closeCodeFor } from "../../shared/index.js";
import { connectClient, type TestClient } from "../support/ws-client.js";
import { makeTestKey } from "../support/test-key.js";
import { adminClient, pairedClient, startReplica, stopReplica, waitingClient, waitUntil, type Replica } from "../support/replicas.js";

const REVOKED_CLOSE = closeCodeFor("device_revoked");
/** Every client here comes from 127.0.0.1: room for the fault tests' waiting sockets (the limit test uses this). */
const LIMITS = ["--max-pending-per-address", "12", "--max-new-requests-per-minute", "600"];

let cluster: PostgresCluster;
let a: Replica;
let b: Replica;

beforeAll(async () => {
  cluster = await startPostgresCluster();
  [a, b] = await Promise.all([startReplica("a", cluster.url, LIMITS), startReplica("b", cluster.url, LIMITS)]);
}, 120_000);

afterAll(async () => {
  for (const r of [a, b]) if (r) await stopReplica(r);
  await cluster?.stop();
});

describe("replicas on one Postgres", () => {
  it("share one gateway id and schema, and doctor shows each replica's store, id and healthy LISTEN", async () => {
    const [da, db] = await Promise.all([a.doctor(), b.doctor()]);
    for (const d of [da, db]) {
      expect(d.store).toMatchObject({ kind: "postgres", location: cluster.url, schemaVersion: 6, changeFeed: { listening: true, reconnects: 0 } });
      expect(d.store.replicaId).toMatch(/^rep_/);
    }
    expect(da.store.replicaId).not.toBe(db.store.replicaId);
    const text = await a.cli(["doctor"]);
    expect(text.stdout).toMatch(/store\s+postgres postgres:\/\/pairgate@127\.0\.0\.1:\d+\/pairgate, schema 6; replica rep_/);
    expect(text.stdout).toMatch(/listen\s+healthy, last ping/);
    // The same signed challenge works on both: the gateway id lives in the database.
    const key = makeTestKey();
    const onA = await connectClient(a.url, key);
    const onB = await connectClient(b.url, key);
    const [ca, cb] = [await onA.next("challenge"), await onB.next("challenge")];
    expect(ca.gatewayId).toBe(cb.gatewayId);
    onA.close();
    onB.close();
  });

  it("welcomes a socket waiting on B when the CLI approves its code on A, and the code is the same on both", async () => {
    const waiting = await waitingClient(b);
    const pendingOnA = await a.cli(["devices", "pending", "--json"]);
    expect(pendingOnA.json<{ pending: Array<{ id: string }> }>().pending.map((p) => p.id)).toContain(waiting.requestId);
    // A reconnect of the same key on A gets the same request and code back, from the database.
    const again = await waitingClient(a, waiting.key);
    expect({ code: again.code, id: again.requestId }).toEqual({ code: waiting.code, id: waiting.requestId });
    const t0 = Date.now();
    const approved = await a.cli(["devices", "approve", waiting.code, "--json"]);
    expect(approved.status, approved.stderr).toBe(0);
    const welcome = await waiting.client.next("welcome", 10_000);
    const welcomeOnA = await again.client.next("welcome", 10_000);
    expect(welcome.device.id).toBe(waiting.key.deviceId);
    expect(welcomeOnA.device.id).toBe(waiting.key.deviceId);
    console.log(`cross-replica approve → welcome in ${Date.now() - t0} ms (including the CLI process)`);
    // The approval is won once: approving the same code on B now finds nothing.
    const twice = await b.cli(["devices", "approve", waiting.code, "--json"]);
    expect(twice.status).toBe(1);
    expect(twice.json<{ error: { code: string } }>().error.code).toBe("not_found");
    waiting.client.close();
    again.client.close();
  });

  it("closes the device's sockets on A, and every other replica, when it is revoked on B", async () => {
    const onA = await pairedClient(a, b);
    const alsoOnB = await connectClient(b.url, onA.key);
    await alsoOnB.hello();
    await alsoOnB.next("welcome");
    const r = await b.cli(["devices", "revoke", onA.deviceId, "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const [closedA, closedB] = await Promise.all([onA.client.closed, alsoOnB.closed]);
    expect(closedA.code).toBe(REVOKED_CLOSE);
    expect(closedB.code).toBe(REVOKED_CLOSE);
    const err = onA.client.frames.find((f) => f.type === "error");
    expect(err).toMatchObject({ code: "device_revoked", revoked: { byName: expect.any(String) } });
    // And it can't come back on either.
    for (const replica of [a, b]) {
      const again = await connectClient(replica.url, onA.key);
      await again.hello();
      expect(await again.next("error")).toMatchObject({ code: "device_revoked" });
    }
  });

  it("uses an invite once across replicas, even when two browsers race it on A and B", async () => {
    const created = await a.cli(["invite", "--role", "viewer", "--json"]);
    expect(created.status, created.stderr).toBe(0);
    const token = new URL(created.json<{ url: string }>().url).hash.replace("#invite=", "");
    const [k1, k2] = [makeTestKey(), makeTestKey()];
    const [c1, c2] = await Promise.all([connectClient(a.url, k1), connectClient(b.url, k2)]);
    await Promise.all([c1.hello({ invite: token }), c2.hello({ invite: token })]);
    const outcome = async (c: TestClient) => {
      for (;;) {
        const f = await c.next(undefined, 10_000);
        if (f.type === "error") return f.code;
        if (f.type === "welcome") return f.type;
      }
    };
    const outcomes = await Promise.all([c1, c2].map(outcome));
    expect(outcomes.sort()).toEqual(["invite_invalid", "welcome"]);
    c1.close();
    c2.close();
  });

  it("counts pending requests made on every replica against the per-address limit", async () => {
    const perAddress = (await a.doctor()).limits.pendingPerAddress;
    const clients = [];
    for (let i = 0; i < perAddress; i++) clients.push(await waitingClient(i % 2 ? a : b));
    const over = await connectClient(b.url, makeTestKey());
    await over.hello();
    expect(await over.next("error")).toMatchObject({ code: "pending_limit" });
    const admin = await adminClient(a);
    for (const c of clients) {
      expect(await admin.call("devices.reject", { requestId: c.requestId })).toMatchObject({ ok: true });
      expect(await c.client.next("error", 10_000)).toMatchObject({ code: "pairing_rejected" });
    }
    admin.close();
  });
});

describe("faults", () => {
  it("resyncs within 10 s after its LISTEN backend is terminated, and closes a device revoked meanwhile", async () => {
    const victim = await pairedClient(a, b);
    const before = (await a.doctor()).store;
    // Cut A's LISTEN connection and revoke on B at once: A may miss the NOTIFY, the resync must catch it.
    const killed = cluster.psql(
      `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pairgate-listen ${before.replicaId}') t`,
    );
    expect(killed.trim()).toBe("1");
    const t0 = Date.now();
    const r = await b.cli(["devices", "revoke", victim.deviceId]);
    expect(r.status, r.stderr).toBe(0);
    expect((await victim.client.closed).code).toBe(REVOKED_CLOSE);
    const after = await waitUntil("a resync on A", async () => {
      const s = (await a.doctor()).store;
      return s.changeFeed!.reconnects > before.changeFeed!.reconnects && s.lastResync && s.changeFeed!.listening ? s : null;
    });
    expect(after.lastResync!.atMs - t0).toBeLessThan(10_000);
    expect(after.lastResync).toMatchObject({ error: null });
    console.log(`LISTEN terminated → resync on A after ${after.lastResync!.atMs - t0} ms`);
  });

  it("survives a Postgres restart under traffic: every acknowledged approval is kept and welcomed, and both replicas resync within 10 s", async () => {
    const admins = [await adminClient(a), await adminClient(b)];
    const waiting = await Promise.all(Array.from({ length: 10 }, (_, i) => waitingClient(i % 2 ? a : b)));
    const paired = await pairedClient(b, a);
    const before = await Promise.all([a.doctor(), b.doctor()]);
    const acknowledged = new Set<string>();
    const approveAll = async () => {
      for (const [i, w] of waiting.entries()) {
        if (acknowledged.has(w.key.deviceId)) continue;
        // A closed socket counts as refused here; the liveness check below then says why (the replica's stderr).
        const r = await admins[i % 2]!.call("devices.approve", { code: w.code, role: "viewer" }).catch(() => ({ ok: false }));
        if (r.ok) acknowledged.add(w.key.deviceId);
        await new Promise((res) => setTimeout(res, 150)); // well under the per-connection request rate
      }
    };
    const during = approveAll();
    await cluster.restart();
    const t0 = Date.now(); // Postgres answers again: from here each replica has 10 s to resync
    await during;
    for (const r of [a, b]) expect(r.gateway.child.exitCode, r.gateway.stderr().slice(-2000)).toBeNull();
    // The sweeps (requests, and devices) fail every second while Postgres is down: at most one line per job per
    // outage, never a stack. ("expiry sweep failing" also matches inside "device expiry sweep failing".)
    for (const r of [a, b]) {
      const lines = (re: RegExp) => r.gateway.stderr().match(re)?.length ?? 0;
      const deviceSweep = lines(/device expiry sweep failing/g);
      expect(deviceSweep).toBeLessThanOrEqual(1);
      expect(lines(/expiry sweep failing/g) - deviceSweep).toBeLessThanOrEqual(1);
      expect(r.gateway.stderr()).not.toMatch(/expireDue/);
    }
    // What was refused while the database was down is retried, as a person would; each approval is won once.
    await waitUntil("every approval acknowledged", async () => (await approveAll(), acknowledged.size === waiting.length), 20_000);
    for (const w of waiting) await w.client.next("welcome", 10_000);
    const listed = await admins[1]!.call<{ devices: Array<{ id: string }> }>("devices.list", {});
    if (!listed.ok) throw new Error(listed.error.message);
    for (const id of acknowledged) expect(listed.result.devices.map((d) => d.id)).toContain(id);
    for (const [i, r] of [a, b].entries()) {
      const s = await waitUntil(`a resync on ${r.name}`, async () => {
        const st = (await r.doctor()).store;
        return st.changeFeed!.listening && st.changeFeed!.reconnects > before[i]!.store.changeFeed!.reconnects && st.lastResync ? st : null;
      });
      expect(s.lastResync!.atMs - t0).toBeLessThan(10_000);
      console.log(`Postgres restart → resync on ${r.name} after ${s.lastResync!.atMs - t0} ms`);
    }
    // The paired socket on B kept working through it, and a revoke on A still reaches it.
    expect(await admins[0]!.call("devices.revoke", { deviceId: paired.deviceId })).toMatchObject({ ok: true });
    expect((await paired.client.closed).code).toBe(REVOKED_CLOSE);
    for (const c of [...admins, ...waiting.map((w) => w.client)]) c.close();
  }, 180_000);

  it("loses no acknowledged approval when a replica is killed with SIGKILL in the middle of approvals", async () => {
    const admin = await adminClient(a);
    const waiting = await Promise.all(Array.from({ length: 10 }, () => waitingClient(b)));
    const acknowledged = new Set<string>();
    const approvals = Promise.all(
      waiting.map(async (w, i) => {
        await new Promise((res) => setTimeout(res, i * 30));
        const r = await admin.call("devices.approve", { code: w.code, role: "viewer" }).catch((e: unknown) => ({ ok: false, error: String(e) }));
        if (!r.ok && acknowledged.size < 2) console.log("approve refused before the kill:", JSON.stringify(r));
        if (r.ok) acknowledged.add(w.key.deviceId);
      }),
    );
    await waitUntil("two approvals", () => acknowledged.size >= 2, 30_000);
    a.gateway.child.kill("SIGKILL");
    await Promise.race([approvals, admin.closed]);
    const acked = [...acknowledged];
    expect(acked.length).toBeGreaterThanOrEqual(2);
    console.log(`kill -9 after ${acked.length} of ${waiting.length} approvals were acknowledged`);
    // Every acknowledged approval is in the database and reached its socket waiting on B.
    for (const w of waiting.filter((x) => acknowledged.has(x.key.deviceId))) await w.client.next("welcome", 10_000);
    const bAdmin = await adminClient(b);
    const listed = await bAdmin.call<{ devices: Array<{ id: string }> }>("devices.list", {});
    if (!listed.ok) throw new Error(listed.error.message);
    for (const id of acked) expect(listed.result.devices.map((d) => d.id)).toContain(id);
    // The rest: approved on B, unless the killed replica committed one it never acknowledged (then it was welcomed).
    for (const w of waiting.filter((x) => !acknowledged.has(x.key.deviceId))) {
      const r = await bAdmin.call("devices.approve", { code: w.code, role: "viewer" });
      if (!r.ok) expect(r.error.code).toBe("not_found");
      await w.client.next("welcome", 10_000);
    }
    await a.restart();
    expect((await a.doctor()).store.changeFeed!.listening).toBe(true);
    for (const c of [bAdmin, ...waiting.map((w) => w.client)]) c.close();
  }, 180_000);

  it("stops `pairgate start` with exit 1 and one clear line when Postgres is down", () => {
    const stateDir = tempStateDir();
    const r = runCli(["start", "--port", "0", "--database", "postgres://pairgate:pw-not-shown@127.0.0.1:1/pairgate"], { stateDir });
    rmSync(stateDir, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      "pairgate: cannot use the Postgres database at postgres://pairgate:***@127.0.0.1:1/pairgate: connection refused (connect ECONNREFUSED 127.0.0.1:1); is Postgres running and listening there?",
    );
    expect(r.stdout).not.toContain("listening");
  });
});
