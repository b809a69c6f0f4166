// handshake.sequential, handshake.concurrent and handshake.scale, with the bare-ws baselines (plain, and + verify)
// measured in the same run by the same load generator (docs/design.md#targets). Concurrent targets run in interleaved
// slices to share the noise.
import { join } from "node:path";
import { startBareWs, startGateway, tempDir } from "../lib/processes.js";
import { figure, interleavedSlices, latency, rateOf, ratio } from "../lib/stats.js";

/**
 * ctx: { kit, keys: {file, publicKeys}, load, cfg, log }.
 * cfg: { sequentialCount, concurrency, sliceMs, slices, warmupMs, scaleDevices: [1, 1000, 10000], concurrentDevices }
 */
export async function runHandshake(ctx) {
  const { cfg, kit, keys, load, log } = ctx;
  const started = [];
  try {
    const bare = await startBareWs();
    started.push(bare);
    const bareVerify = await startBareWs({ verify: true });
    started.push(bareVerify);
    const verifyTarget = { kind: "bareVerify", url: bareVerify.url, keyStart: 0, keyCount: cfg.concurrentDevices };

    const seeding = [];
    const seeded = async (count) => {
      const stateDir = tempDir();
      const t0 = performance.now();
      await kit.seedDevices(join(stateDir, "pairgate.db"), keys.publicKeys.slice(0, count));
      seeding.push({ devices: count, ms: performance.now() - t0 });
      const gw = await startGateway({ stateDir });
      started.push(gw);
      return gw;
    };
    const paired = await seeded(cfg.concurrentDevices);
    const scale = [];
    for (const n of cfg.scaleDevices) scale.push({ devices: n, gw: await seeded(n) });

    log(`handshake.sequential: ${cfg.sequentialCount} × bare-ws, bare-ws + verify, then paired`);
    const seqBare = await load.run("sequential", { target: { kind: "bare", url: bare.url }, count: cfg.sequentialCount });
    const seqVerify = await load.run("sequential", { target: verifyTarget, count: cfg.sequentialCount });
    const seqPaired = await load.run("sequential", {
      target: { kind: "paired", url: paired.url, keyStart: 0, keyCount: cfg.concurrentDevices },
      count: cfg.sequentialCount,
    });

    const targets = [
      { kind: "bare", url: bare.url, pid: bare.pid },
      { ...verifyTarget, pid: bareVerify.pid },
      { kind: "paired", url: paired.url, pid: paired.pid, keyStart: 0, keyCount: cfg.concurrentDevices },
      ...scale.map((s) => ({ kind: "paired", url: s.gw.url, pid: s.gw.pid, keyStart: 0, keyCount: s.devices })),
    ];
    log(`handshake.concurrent + scale: ${cfg.concurrency} clients, ${targets.length} targets × ${cfg.slices} slices of ${cfg.sliceMs} ms (interleaved)`);
    const accs = await load.run("concurrent", { targets, ...interleavedSlices(cfg) });
    // CPU time the server process spent per completed cycle: far less sensitive to other load on a shared machine.
    const cpuPer = (a) => (a.cycles ? (a.serverCpuMs * 1000) / a.cycles : null);
    const concurrentFigure = (a) => ({
      rate: figure(rateOf(a), "handshakes/s", a.completed, { windowMs: Math.round(a.elapsedMs) }),
      serverCpuPerCycle: figure(cpuPer(a), "µs", a.cycles, { note: "server process user+sys CPU / cycles, 10 ms tick resolution" }),
      latency: latency(a.handshakeMs),
      errors: a.errors,
      ...(a.firstError ? { firstError: a.firstError } : {}),
      warmupMs: a.warmup.ms,
    });
    const [cBare, cVerify, cPaired, ...cScale] = accs;
    const bareRate = rateOf(cBare);
    const verifyRate = rateOf(cVerify);
    const pairedRate = rateOf(cPaired);
    const scaleRates = cScale.map(rateOf);
    const seqBareLat = latency(seqBare.cycleMs);
    const seqVerifyLat = latency(seqVerify.cycleMs);
    const seqPairedCycle = latency(seqPaired.cycleMs);

    return {
      "baseline.bareWs": {
        what: "bare ws server: send one message, receive one, close; same load generator and concurrency",
        sequential: { cycle: seqBareLat, errors: seqBare.errors },
        concurrent: concurrentFigure(cBare),
      },
      "baseline.bareWsVerify": {
        what: "bare ws server + the credential check alone: send a 32-byte nonce, receive JSON { publicKey, signature } (the client signs the nonce with its own Ed25519 key), parse it, verify with a KeyObject cached per key, close",
        sequential: { cycle: seqVerifyLat, errors: seqVerify.errors, ...(seqVerify.firstError ? { firstError: seqVerify.firstError } : {}) },
        concurrent: concurrentFigure(cVerify),
      },
      "handshake.sequential": {
        what: "one client: connect → challenge → hello → welcome → close, back to back",
        handshake: latency(seqPaired.handshakeMs),
        cycle: seqPairedCycle,
        errors: seqPaired.errors,
        ...(seqPaired.firstError ? { firstError: seqPaired.firstError } : {}),
        devicesInStore: cfg.concurrentDevices,
        medianCycleVsBare: ratio(seqPairedCycle.median, seqBareLat.median),
        medianCycleVsBareVerify: ratio(seqPairedCycle.median, seqVerifyLat.median),
      },
      "handshake.concurrent": {
        what: `${cfg.concurrency} concurrent clients, ${cfg.concurrentDevices} paired devices, ${(cfg.slices * cfg.sliceMs) / 1000} s in ${cfg.slices} interleaved slices`,
        ...concurrentFigure(cPaired),
        rateVsBare: ratio(pairedRate, bareRate),
        serverCpuVsBare: ratio(cpuPer(cPaired), cpuPer(cBare)),
        rateVsBareVerify: ratio(pairedRate, verifyRate),
        serverCpuVsBareVerify: ratio(cpuPer(cPaired), cpuPer(cVerify)),
      },
      "handshake.scale": {
        what: "the concurrent rate with N paired devices in the store; clients cycle through all N keys, after a warm-up in which the gateway has seen every key once",
        seeding: {
          path: "test/bench/kit.ts seedDevices(): SqliteStore.insertDevices in one transaction into <stateDir>/pairgate.db before `pairgate start`",
          runs: seeding.map((s) => ({ devices: s.devices, ms: Math.round(s.ms) })),
        },
        byDevices: Object.fromEntries(cfg.scaleDevices.map((n, i) => [String(n), concurrentFigure(cScale[i])])),
        ratioLargestToOne: ratio(scaleRates.at(-1), scaleRates[0]),
        serverCpuRatioLargestToOne: ratio(cpuPer(cScale.at(-1)), cpuPer(cScale[0])),
      },
    };
  } finally {
    await Promise.all(started.map((p) => p.stop()));
  }
}
