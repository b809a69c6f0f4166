// --profile: the gateway under paired-handshake load with `node --cpu-prof`, summarised by self time per
// function and per area (crypto, ws, zod, sqlite, gateway code, GC). The raw .cpuprofile stays in bench/results/
// for Chrome DevTools or speedscope.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, startBareWs, startGateway, tempDir } from "../lib/processes.js";

export async function runProfile({ cfg, kit, keys, load, log }) {
  const outDir = join(REPO_ROOT, "bench/results");
  mkdirSync(outDir, { recursive: true }); // absent on a fresh clone when --out points elsewhere
  const devices = cfg.scaleDevices[1]; // 1,000 in the full run: a realistic store, warmed so every key is cached
  const stateDir = tempDir();
  await kit.seedDevices(join(stateDir, "pairgate.db"), keys.publicKeys.slice(0, devices));
  const profDir = tempDir("pg-prof-");
  const prof = (name) => ["--cpu-prof", `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}.cpuprofile`, "--cpu-prof-interval=250"];
  const gw = await startGateway({ stateDir, nodeArgs: prof("gateway") });
  const bare = await startBareWs({ nodeArgs: prof("bare-ws") });
  const bareVerify = await startBareWs({ nodeArgs: prof("bare-ws-verify"), verify: true });
  const durationMs = cfg.slices * cfg.sliceMs;
  let accs;
  try {
    log(`profile: ${cfg.concurrency} clients, ${devices} devices, bare-ws, bare-ws + verify and gateway interleaved, ${durationMs} ms each`);
    accs = await load.run("concurrent", {
      targets: [
        { kind: "bare", url: bare.url, pid: bare.pid },
        { kind: "bareVerify", url: bareVerify.url, pid: bareVerify.pid, keyStart: 0, keyCount: devices },
        { kind: "paired", url: gw.url, pid: gw.pid, keyStart: 0, keyCount: devices },
      ],
      concurrency: cfg.concurrency,
      sliceMs: cfg.sliceMs,
      slices: cfg.slices,
      warmupMs: cfg.warmupMs,
      warmEveryKey: true,
    });
  } finally {
    await Promise.all([gw.stop(), bare.stop(), bareVerify.stop()]);
  }
  const out = {};
  for (const [i, name] of ["bare-ws", "bare-ws-verify", "gateway"].entries()) {
    const file = join(profDir, `${name}.cpuprofile`);
    const text = readFileSync(file, "utf8");
    writeFileSync(join(outDir, `${name}.cpuprofile`), text);
    // The profile covers the whole process life, warm-up included; per-cycle figures divide by every cycle it saw.
    const cycles = accs[i].cycles + accs[i].warmup.cycles;
    out[name] = {
      file: `bench/results/${name}.cpuprofile`,
      cycles,
      serverCpuUsPerCycle: Math.round((accs[i].serverCpuMs * 1000) / accs[i].cycles),
      ...summarize(JSON.parse(text), cycles),
    };
  }
  rmSync(profDir, { recursive: true, force: true });
  return {
    profile: {
      what: "node --cpu-prof (250 µs interval) of the gateway and the bare-ws baselines (plain, + verify) under the same load; self time by area and function",
      ...out,
    },
  };
}

const AREAS = [
  ["(garbage collector)", /^\(garbage collector\)$/],
  ["(idle)", /^\(idle\)$/],
  ["(program: native, libuv, syscalls)", /^\(program\)$/],
  ["node:crypto (Ed25519 verify, randomBytes)", /node:internal\/crypto|^verify$|^randomBytes|^randomFill/],
  ["better-sqlite3", /better-sqlite3|^(get|run|all)$/],
  ["ws library", /node_modules\/ws\//],
  ["zod (frame parsing)", /node_modules\/zod\//],
  [
    "node:http, net, stream (sockets)",
    /node:(_http|http|net|stream|internal\/(stream|streams|net|http|timers|buffer|tls|url|event_target|async_hooks|process\/task_queues))|^(writev|writeBuffer|writeUtf8String|writeLatin1String|close|onStreamRead|destroy|shutdown|setNoDelay|readStop|readStart)$/,
  ],
  ["@noble/hashes (device id)", /@noble\/hashes/],
  ["gateway code (dist/server/main.js)", /dist\/server\/main\.js/],
  ["JSON", /^(parse|stringify)$/],
];

function summarize(profile, handshakes) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const areas = new Map();
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const name = cf.functionName || "(anonymous)";
    const where = cf.url ? `${cf.url.replace(`file://${REPO_ROOT}/`, "").replace(/^node:/, "node:")}:${cf.lineNumber + 1}` : "";
    const key = `${name} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const probe = `${name}`;
    const area = AREAS.find(([, re]) => re.test(probe) || re.test(cf.url))?.[0] ?? "other";
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const busyUs = totalUs - (areas.get("(idle)") ?? 0);
  const pct = (us) => Math.round((us / busyUs) * 1000) / 10;
  const sortDesc = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    sampledMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    mainThreadUsPerCycle: handshakes ? Math.round(busyUs / handshakes) : null,
    areasUsPerCycle: Object.fromEntries(
      sortDesc(areas)
        .filter(([k]) => k !== "(idle)")
        .map(([k, us]) => [k, Math.round(us / handshakes)]),
    ),
    topFunctionsPctOfBusy: sortDesc(fns)
      .filter(([k]) => !k.startsWith("(idle)"))
      .slice(0, 25)
      .map(([k, us]) => ({ fn: k, pct: pct(us), usPerCycle: Math.round((us / handshakes) * 10) / 10 })),
  };
}
