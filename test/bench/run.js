#!/usr/bin/env node
// `npm run bench` (full, a few minutes) and `npm run bench:smoke` (same code, tiny counts, < 30 s, for CI).
// Builds what it measures, runs each suite against real `pairgate start` processes driven by a separate load
// process, prints one JSON object and writes it to bench/results/latest.json. See docs/performance.md.
//   node test/bench/run.js [--smoke] [--only startup,handshake,approve,revoke,memory,dashboard,library,replicas,front-door,admin,profile,container] [--profile]
//                          [--no-build] [--out FILE]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { writeKeyFile } from "./lib/keys.js";
import { startLoad } from "./lib/load-driver.js";
import { fdLimits, REPO_ROOT, tempDir } from "./lib/processes.js";
import { checkTargets, missingFigures } from "./lib/targets.js";
import { runApprove, runRevoke } from "./suites/admin-latency.js";
import { runAdminScale } from "./suites/admin-scale.js";
import { runContainer } from "./suites/container.js";
import { runDashboard } from "./suites/dashboard.js";
import { runFrontDoor } from "./suites/front-door.js";
import { runHandshake } from "./suites/handshake.js";
import { runLibrary } from "./suites/library.js";
import { runMemory } from "./suites/memory.js";
import { runProfile } from "./suites/profile.js";
import { runReplicas } from "./suites/replicas.js";
import { runStartup } from "./suites/startup.js";

const argv = process.argv.slice(2);
const smoke = argv.includes("--smoke");
const flag = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = flag("--only")?.split(",");
const want = (name) => !only || only.includes(name);
const log = (line) => process.stderr.write(`[bench] ${line}\n`);

const FULL = {
  sequentialCount: 1000,
  concurrency: 50,
  sliceMs: 1000,
  slices: 10,
  warmupMs: 1000,
  concurrentDevices: 50,
  scaleDevices: [1, 1000, 10_000],
  startupRuns: 7,
  approveCount: 200,
  revokeDevices: 100,
  memorySockets: [1000, 10_000],
  settleMs: 3000,
  dashboardRuns: 10,
  dashboardColdRuns: 9,
  adminScaleDevices: 10_000,
  adminScaleSlices: 10,
  adminScaleClickRuns: 10,
  replicaSamples: 200,
};
const SMOKE = {
  sequentialCount: 50,
  concurrency: 10,
  sliceMs: 300,
  slices: 1,
  warmupMs: 100,
  concurrentDevices: 10,
  scaleDevices: [1, 100, 1000],
  startupRuns: 1,
  approveCount: 10,
  revokeDevices: 5,
  memorySockets: [100, 500],
  settleMs: 300,
  dashboardRuns: 1,
  dashboardColdRuns: 1,
  adminScaleDevices: 200,
  adminScaleSlices: 1,
  adminScaleClickRuns: 1,
  replicaSamples: 10,
};
const cfg = smoke ? SMOKE : FULL;

function run(cmd, args, what, timeoutMs = 120_000) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: "utf8", env: process.env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
  if (what !== "git") log(`${what}: ${r.status === 0 ? "ok" : `failed (${r.error?.code ?? r.status})`} in ${Math.round(performance.now() - t0)} ms`);
  return { ok: r.status === 0, what, output: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n") };
}

/** The gateway bundle and the bench kit must build; the dashboard may be mid-edit, so its failure is reported. */
function build() {
  const npx = "npx";
  const server = run(npx, ["vite", "build", "--mode", "server", "--logLevel", "warn"], "server bundle");
  if (!server.ok) throw new Error(`gateway build failed:\n${server.output}`);
  const kitScript = `import { build } from "vite";
await build({ configFile: false, logLevel: "warn", build: { ssr: "test/bench/kit.ts", outDir: "dist/bench", emptyOutDir: true, target: "node20",
  rollupOptions: { output: { entryFileNames: "kit.js" } } } });
process.exit(0);`;
  const kit = run(process.execPath, ["--input-type=module", "-e", kitScript], "bench kit");
  if (!kit.ok) throw new Error(`bench kit build failed:\n${kit.output}`);
  // The smoke run keeps to its 30 s: CI has just built the dashboard in `npm test`, so an existing dist/web is reused.
  if (smoke && existsSync(join(REPO_ROOT, "dist/web/index.html"))) return { web: { ok: false, error: "not rebuilt (smoke reuses dist/web)" } };
  const web = run(npx, ["vite", "build", "--logLevel", "warn"], "dashboard");
  return { web: web.ok ? { ok: true } : { ok: false, error: web.output } };
}

async function main() {
  const t0 = performance.now();
  const reuse = argv.includes("--no-build") && existsSync(join(REPO_ROOT, "dist/server/main.js")) && existsSync(join(REPO_ROOT, "dist/bench/kit.js"));
  log(`mode ${smoke ? "smoke" : "full"}; ${reuse ? "reusing dist/ (--no-build)" : "building"}`);
  const built = reuse ? { web: { ok: false, error: "not rebuilt (--no-build)" } } : build();
  const kitFile = join(REPO_ROOT, "dist/bench/kit.js");
  const kit = await import(pathToFileURL(kitFile).href);

  const work = tempDir("pg-bench-keys-");
  const keyRanges = {
    pool: [0, Math.max(...cfg.scaleDevices, ...cfg.memorySockets, cfg.concurrentDevices, cfg.adminScaleDevices)],
  };
  keyRanges.approve = [keyRanges.pool[1], cfg.approveCount];
  keyRanges.revoke = [keyRanges.approve[0] + cfg.approveCount, cfg.revokeDevices * 2];
  keyRanges.admins = [keyRanges.revoke[0] + keyRanges.revoke[1], 10];
  // replicas.*: per sample, one key waits (or is connected) on replica B and the next on replica A.
  keyRanges.replicaApprove = [keyRanges.admins[0] + keyRanges.admins[1], cfg.replicaSamples * 2];
  keyRanges.replicaRevoke = [keyRanges.replicaApprove[0] + keyRanges.replicaApprove[1], cfg.replicaSamples * 2];
  const keyCount = keyRanges.replicaRevoke[0] + keyRanges.replicaRevoke[1];
  const tk = performance.now();
  const keyFile = join(work, "keys.bin");
  const publicKeys = writeKeyFile(keyFile, keyCount);
  log(`${keyCount} Ed25519 keys in ${Math.round(performance.now() - tk)} ms`);
  const load = await startLoad({ kitFile, keyFile, keyCount });

  const env = { node: process.version, cpus: cpus().length };
  const results = {
    meta: {
      mode: smoke ? "smoke" : "full",
      ...env,
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryBytes: totalmem(),
      platform: `${process.platform}-${process.arch}`,
      openFilesLimit: fdLimits(),
      startedAt: new Date().toISOString(),
      commit: run("git", ["rev-parse", "--short", "HEAD"], "git").output,
      loopbackOnly: true,
    },
  };
  const ctx = { cfg, kit, keys: { file: keyFile, publicKeys, ranges: keyRanges }, load, log, built, smoke };
  const suites = [
    ["startup", runStartup],
    ["handshake", runHandshake],
    ["approve", runApprove],
    ["revoke", runRevoke],
    ["memory", runMemory],
    ["dashboard", runDashboard],
    ["library", runLibrary],
    ["replicas", runReplicas],
    ["front-door", runFrontDoor],
    ...(argv.includes("--profile") || only?.includes("profile") ? [["profile", runProfile]] : []),
    // 10,000 devices and a browser clicking through them: the smoke run takes it only when asked by --only.
    ...(!smoke || only?.includes("admin") ? [["admin", runAdminScale]] : []),
    // Minutes on a cold machine (stand-in base images, image build), so not part of the 30 s smoke run.
    ...(!smoke || only?.includes("container") ? [["container", runContainer]] : []),
  ];
  try {
    for (const [name, fn] of suites) {
      if (!want(name) && name !== "profile") continue;
      log(`suite ${name}`);
      const ts = performance.now();
      try {
        for (const [k, v] of Object.entries(await fn(ctx))) results[k] = { ...env, ...v };
      } catch (err) {
        results[`${name}.error`] = { error: String(err?.stack ?? err) };
        log(`suite ${name} failed: ${err?.message ?? err}`);
      }
      log(`suite ${name} done in ${((performance.now() - ts) / 1000).toFixed(1)} s`);
    }
  } finally {
    await load.stop();
    rmSync(work, { recursive: true, force: true });
  }
  results.targets = checkTargets(results);
  if (smoke) results.targetsNote = "smoke run: tiny counts (e.g. 1,000 not 10,000 devices), so these checks say nothing; run `npm run bench`";
  results.figuresMissing = only ? [] : missingFigures(results).filter((p) => !(smoke && p.startsWith("adminScale."))); // smoke skips it
  results.meta.durationS = Math.round((performance.now() - t0) / 100) / 10;
  const text = JSON.stringify(results, null, 2);
  const out = flag("--out") ?? join(REPO_ROOT, "bench/results", smoke ? "smoke.json" : "latest.json");
  mkdirSync(join(out, ".."), { recursive: true });
  writeFileSync(out, text + "\n");
  process.stdout.write(text + "\n");
  log(`wrote ${out} in ${results.meta.durationS} s`);
  for (const t of results.targets) log(`${t.status.padEnd(12)} ${t.target}: ${t.measured ?? "-"} (${t.design})`);
  if (results.figuresMissing.length) {
    log(`missing figures: ${results.figuresMissing.join(", ")}`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    process.stderr.write(`[bench] ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
