// replicas.*: two `pairgate start` replicas on one throwaway Postgres cluster (docs/scaling.md). Approve on A's
// admin socket → welcome on a socket waiting on B; revoke on A → B's socket closed; and paired handshakes on a
// Postgres store with the largest device count, against the bare-ws + verify baseline in the same interleaved run.
import { startPostgresCluster } from "../../support/postgres-cluster.js";
import { startBareWs, startGateway } from "../lib/processes.js";
import { figure, latency, ratio } from "../lib/stats.js";

export async function runReplicas({ cfg, kit, keys, load, log }) {
  const cluster = await startPostgresCluster();
  const started = [];
  try {
    const devices = Math.max(...cfg.scaleDevices);
    const [approveStart, approveCount] = keys.ranges.replicaApprove;
    const [revokeStart, revokeCount] = keys.ranges.replicaRevoke;
    const t0 = performance.now();
    await kit.seedDevices(cluster.url, [...keys.publicKeys.slice(0, devices), ...keys.publicKeys.slice(revokeStart, revokeStart + revokeCount)]);
    const seedMs = performance.now() - t0;
    const args = ["--database", cluster.url];
    const a = await startGateway({ args });
    started.push(a);
    const b = await startGateway({ args });
    started.push(b);
    const bare = await startBareWs();
    started.push(bare);
    const bareVerify = await startBareWs({ verify: true });
    started.push(bareVerify);

    // Each sample alternates: the socket on B (across replicas), then on A itself (the same replica, the baseline),
    // both acted on from A's admin socket. Load on the machine hits both alike; their ratio is the cross-replica cost.
    const urls = [b.url, a.url];
    log(`replicas.approve: ${approveCount} requests, waiting on B and on A in turn, approved one at a time on A's admin socket`);
    const ap = await load.run("approve", { urls, adminSocket: a.adminSocket, keyStart: approveStart, count: approveCount });
    log(`replicas.revoke: ${revokeCount} devices, connected to B and to A in turn, revoked one at a time on A's admin socket`);
    const rv = await load.run("revoke", { urls, adminSocket: a.adminSocket, keyStart: revokeStart, count: revokeCount, socketsPerDevice: 1 });
    const across = (xs, target) => xs.filter((_, i) => target[i] === 0);
    const same = (xs, target) => xs.filter((_, i) => target[i] === 1);
    const ps = [50, 90, 95, 99];
    const approveAcross = latency(across(ap.approveToWelcomeMs, ap.target), ps);
    const approveSame = latency(same(ap.approveToWelcomeMs, ap.target), ps);
    const revokeAcross = latency(across(rv.revokeToClosedMs, rv.target), ps);
    const revokeSame = latency(same(rv.revokeToClosedMs, rv.target), ps);
    // The cross-replica share of one sample: its welcome (or close) on B minus the acknowledgement on A (may be < 0).
    const afterAck = (xs, acks) => xs.map((w, i) => w - acks[i]);

    log(
      `replicas.handshake: ${cfg.concurrency} clients, bare-ws, bare-ws + verify and replica B with ${devices} devices in Postgres, ${cfg.slices} interleaved slices`,
    );
    const [cBare, cVerify, cPg] = await load.run("concurrent", {
      targets: [
        { kind: "bare", url: bare.url, pid: bare.pid },
        { kind: "bareVerify", url: bareVerify.url, pid: bareVerify.pid, keyStart: 0, keyCount: devices },
        { kind: "paired", url: b.url, pid: b.pid, keyStart: 0, keyCount: devices },
      ],
      concurrency: cfg.concurrency,
      sliceMs: cfg.sliceMs,
      slices: cfg.slices,
      warmupMs: cfg.warmupMs,
      warmEveryKey: true,
    });
    const rateOf = (x) => (x.elapsedMs > 0 ? (x.completed * 1000) / x.elapsedMs : null);
    const cpuPer = (x) => (x.cycles ? (x.serverCpuMs * 1000) / x.cycles : null);
    return {
      "replicas.approve": {
        what: "devices.approve on replica A's admin socket → welcome on a socket waiting on replica B (NOTIFY → LISTEN → read → welcome)",
        baseline: "the same, with the socket waiting on A itself; samples alternate B, A, B, … in one run",
        approveToWelcome: approveAcross,
        sameReplica: approveSame,
        approveToAck: latency(across(ap.approveAckMs, ap.target), ps),
        ackToWelcome: latency(across(afterAck(ap.approveToWelcomeMs, ap.approveAckMs), ap.target), ps),
        medianVsSameReplica: ratio(approveAcross.median, approveSame.median),
        p99VsSameReplica: ratio(approveAcross.p99, approveSame.p99),
        errors: ap.errors,
        ...(ap.firstError ? { firstError: ap.firstError } : {}),
      },
      "replicas.revoke": {
        what: "devices.revoke on replica A's admin socket → the device's socket on replica B closed",
        baseline: "the same, with the device's socket on A itself; samples alternate B, A, B, … in one run",
        revokeToClosed: revokeAcross,
        sameReplica: revokeSame,
        revokeToAck: latency(across(rv.revokeAckMs, rv.target), ps),
        ackToClosed: latency(across(afterAck(rv.revokeToClosedMs, rv.revokeAckMs), rv.target), ps),
        medianVsSameReplica: ratio(revokeAcross.median, revokeSame.median),
        p99VsSameReplica: ratio(revokeAcross.p99, revokeSame.p99),
        closeCodes: rv.closeCodes,
        errors: rv.errors,
        ...(rv.firstError ? { firstError: rv.firstError } : {}),
      },
      "replicas.handshake": {
        what: `paired handshakes on replica B, Postgres store with ${devices} devices, ${cfg.concurrency} concurrent clients cycling through every key; bare-ws in the same interleaved slices`,
        baseline: "bare-ws + verify (the same keys, a KeyObject cached per key) and plain bare-ws, in the same interleaved slices",
        seeding: { devices: devices + revokeCount, ms: Math.round(seedMs) },
        rate: figure(rateOf(cPg), "handshakes/s", cPg.completed, { windowMs: Math.round(cPg.elapsedMs) }),
        bareRate: figure(rateOf(cBare), "handshakes/s", cBare.completed, { windowMs: Math.round(cBare.elapsedMs) }),
        bareVerifyRate: figure(rateOf(cVerify), "handshakes/s", cVerify.completed, { windowMs: Math.round(cVerify.elapsedMs) }),
        serverCpuPerCycle: figure(cpuPer(cPg), "µs", cPg.cycles, { note: "server process user+sys CPU / cycles, 10 ms tick resolution" }),
        latency: latency(cPg.handshakeMs),
        errors: cPg.errors,
        ...(cPg.firstError ? { firstError: cPg.firstError } : {}),
        rateVsBare: ratio(rateOf(cPg), rateOf(cBare)),
        rateVsBareVerify: ratio(rateOf(cPg), rateOf(cVerify)),
        serverCpuVsBareVerify: ratio(cpuPer(cPg), cpuPer(cVerify)),
      },
    };
  } finally {
    await Promise.all(started.map((p) => p.stop()));
    await cluster.stop();
  }
}
