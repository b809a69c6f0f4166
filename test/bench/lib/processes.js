// The processes under test: a real `pairgate start` (port 0, temp state dir) and the bare-ws baseline server.
// Each runs as its own child; the bench reads its RSS from /proc and stops it with SIGTERM.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "../../..");
export const PAIRGATE_BIN = join(REPO_ROOT, "bin/pairgate.js");
const BARE_WS = join(import.meta.dirname, "bare-ws-server.js");

/**
 * Limits opened wide for load: every client comes from loopback, so the per-address defaults (32 unauthenticated,
 * 3 pending, 10 new requests a minute) would measure the limiter instead of the gateway.
 */
export const BENCH_LIMIT_FLAGS = [
  "--max-connections-per-address",
  "100000",
  "--max-connections-total",
  "100000",
  "--max-unauth-per-address",
  "100000",
  "--max-unauth-total",
  "100000",
  "--max-pending-per-address",
  "100000",
  "--max-pending-total",
  "100000",
  "--max-new-requests-per-minute",
  "1000000",
  "--failures-before-backoff",
  "1000000",
  "--rpc-rate",
  "100000",
  "--rpc-burst",
  "100000",
];

export { track };

export function tempDir(prefix = "pg-bench-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** This process's open-file limits (soft, hard); "unlimited" reads as Infinity. */
export function fdLimits() {
  const m = /Max open files\s+(\S+)\s+(\S+)/.exec(readFileSync("/proc/self/limits", "utf8"));
  const n = (x) => (x === "unlimited" ? Infinity : Number(x));
  return m ? { soft: n(m[1]), hard: n(m[2]) } : { soft: 1024, hard: 1024 };
}

/**
 * 10,000 idle sockets need more than 10,000 descriptors in the gateway and in the load process. Node raises its soft
 * limit to the hard one by itself; when that is still too low, children start through
 * `sh -c 'ulimit -n N; exec node …'` (root may raise the hard limit; the pid stays node's).
 */
export function fdWrapper(needed) {
  const { soft, hard } = fdLimits();
  if (soft >= needed) return null;
  const target = process.getuid?.() === 0 ? Math.max(needed, 65_536) : Math.min(hard, Math.max(needed, 65_536));
  if (target <= soft) return null;
  // Best effort: where even root may not raise it (a container without CAP_SYS_RESOURCE), carry on; the memory
  // suite then reports how many sockets it could open and marks the figure not measured.
  return ["/bin/sh", ["-c", `ulimit -n ${target} 2>/dev/null; exec "$0" "$@"`]];
}

export const FD_NEEDED = 12_000;

/** Resident set size of a live process, in bytes (VmRSS). */
export function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** Total CPU time (user + system) a process has used, in ms. */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

// Children still running when the bench exits (an error, Ctrl-C, a CI timeout) are stopped with it, and its temp
// dirs removed.
const live = new Set();
const dirs = new Set();
function track(child) {
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));

function waitForLine(child, pattern, timeoutMs, what) {
  return new Promise((resolveLine, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => fail(new Error(`${what} did not start in ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs);
    const onOut = (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) {
        cleanup();
        resolveLine(m);
      }
    };
    const onErr = (d) => (err += d);
    const onExit = (code) => fail(new Error(`${what} exited with ${code}:\n${out}\n${err}`));
    const fail = (e) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off("data", onOut);
      child.stderr.off("data", onErr);
      child.off("exit", onExit);
    };
    child.stdout.on("data", onOut);
    child.stderr.on("data", onErr);
    child.once("exit", onExit);
  });
}

function stopper(child) {
  return (signal = "SIGTERM") =>
    new Promise((resolveStop) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolveStop(child.exitCode);
      const force = setTimeout(() => child.kill("SIGKILL"), 8000);
      child.once("exit", (code) => {
        clearTimeout(force);
        resolveStop(code);
      });
      child.kill(signal);
    });
}

/**
 * `pairgate start --port 0` as a user runs it (through bin/pairgate.js), with a temp state dir unless given one.
 * Resolves once it prints its listening line; `startMs` is spawn → that line, as seen by the parent.
 */
export async function startGateway({ stateDir = tempDir(), args = [], nodeArgs = [], env = {}, keepState = false, bin = PAIRGATE_BIN } = {}) {
  const t0 = performance.now();
  const argv = [...nodeArgs, bin, "start", "--port", "0", "--host", "127.0.0.1", "--state-dir", stateDir, ...BENCH_LIMIT_FLAGS, ...args];
  const wrap = fdWrapper(FD_NEEDED);
  const child = track(
    spawn(wrap ? wrap[0] : process.execPath, wrap ? [...wrap[1], process.execPath, ...argv] : argv, {
      env: { ...process.env, PAIRGATE_NO_QR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  const m = await waitForLine(child, /listening on http:\/\/[^\s]+:(\d+)\s+\(ready in (\d+) ms\)/, 20_000, "pairgate start");
  const startMs = performance.now() - t0;
  // Keep draining output so a chatty gateway never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  const stop = stopper(child);
  return {
    child,
    pid: child.pid,
    port: Number(m[1]),
    readyInMs: Number(m[2]),
    startMs,
    stateDir,
    url: `ws://127.0.0.1:${m[1]}/ws`,
    httpUrl: `http://127.0.0.1:${m[1]}`,
    adminSocket: join(stateDir, "admin.sock"),
    async stop(signal) {
      const code = await stop(signal);
      if (!keepState) rmSync(stateDir, { recursive: true, force: true });
      return code;
    },
  };
}

/**
 * The baseline: a bare `ws` server that sends one message, receives one and closes (docs/design.md#targets); with
 * `verify`, it also parses the reply and verifies its Ed25519 signature of the nonce with a cached KeyObject.
 */
export async function startBareWs({ nodeArgs = [], verify = false } = {}) {
  const child = track(spawn(process.execPath, [...nodeArgs, BARE_WS, ...(verify ? ["--verify"] : [])], { stdio: ["ignore", "pipe", "pipe"] }));
  const m = await waitForLine(child, /bare-ws listening on (\d+)/, 10_000, "bare-ws server");
  child.stdout.resume();
  child.stderr.resume();
  return { child, pid: child.pid, port: Number(m[1]), url: `ws://127.0.0.1:${m[1]}/ws`, stop: stopper(child) };
}
