// A network namespace made by the test: its own stack, joined to this host by one veth pair with a /30 from
// 10.213.0.0/16. Those two addresses exist only on that link and only while the test runs; the namespace has no
// other route, so nothing in it can reach beyond this machine. Needs root; `netnsUnavailable()` says why not.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { startProcess, type Proc, type StartOptions } from "./processes.js";

export interface Netns {
  name: string;
  /** This host's end of the veth link. */
  hostAddress: string;
  /** The namespace's end: what a browser outside connects to. */
  nsAddress: string;
  /** Runs a command inside the namespace to completion. */
  run(cmd: string, args: string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): SpawnSyncReturns<string>;
  /** Starts a long-running command inside the namespace. */
  start(cmd: string, args: string[], opts: StartOptions): Promise<Proc>;
  /** Stops what the test started inside, deletes the namespace (and with it the veth pair). Safe to call twice. */
  destroy(): Promise<void>;
}

/** null when namespaces work here; otherwise the reason, printed by the test that skips. */
export function netnsUnavailable(): string | null {
  if (process.platform !== "linux") return `network namespaces are Linux-only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return "creating a network namespace needs root (run the tests as root, as .ci/run does)";
  if (spawnSync("ip", ["-V"]).status !== 0) return "the ip command (iproute2) is missing: apt-get install -y iproute2";
  const probe = `pg-probe-${randomBytes(3).toString("hex")}`;
  const add = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8" });
  if (add.status !== 0) return `ip netns add failed here: ${add.stderr.trim()}`;
  spawnSync("ip", ["netns", "del", probe]);
  return null;
}

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

export async function createNetns(): Promise<Netns> {
  const id = randomBytes(3).toString("hex");
  const name = `pg-test-${id}`;
  // A /30 no other test holds: reserve 10.213.<n>.0/30 with an atomic mkdir, since test files run in parallel.
  let subnet = -1;
  let lockDir = "";
  for (let attempt = 0; attempt < 64 && subnet < 0; attempt++) {
    const n = randomBytes(1)[0]!;
    const dir = `/tmp/pairgate-netns-10.213.${n}`;
    try {
      mkdirSync(dir);
    } catch {
      continue; // held by another test file: try another /30
    }
    if (sh("ip", ["-4", "-o", "addr", "show"]).includes(`10.213.${n}.`)) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    subnet = n;
    lockDir = dir;
  }
  if (subnet < 0) throw new Error("no free 10.213.x.0/30 for the test namespace");
  const hostAddress = `10.213.${subnet}.1`;
  const nsAddress = `10.213.${subnet}.2`;
  const hostIf = `pgh${id}`;
  const nsIf = `pgn${id}`;
  const started: Proc[] = [];
  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await Promise.all(started.map((p) => p.stop(3000)));
    // Anything still inside was started by this test (the namespace is new and private to it).
    for (const pid of spawnSync("ip", ["netns", "pids", name], { encoding: "utf8" }).stdout.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // already gone between listing and killing: nothing left to stop
      }
    }
    spawnSync("ip", ["netns", "del", name]);
    spawnSync("ip", ["link", "del", hostIf]); // normally gone with the namespace; this covers a half-made setup
    rmSync(lockDir, { recursive: true, force: true });
  };
  try {
    sh("ip", ["netns", "add", name]);
    sh("ip", ["link", "add", hostIf, "type", "veth", "peer", "name", nsIf]);
    sh("ip", ["link", "set", nsIf, "netns", name]);
    sh("ip", ["addr", "add", `${hostAddress}/30`, "dev", hostIf]);
    sh("ip", ["link", "set", hostIf, "up"]);
    sh("ip", ["netns", "exec", name, "ip", "addr", "add", `${nsAddress}/30`, "dev", nsIf]);
    sh("ip", ["netns", "exec", name, "ip", "link", "set", nsIf, "up"]);
    sh("ip", ["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
  } catch (err) {
    await destroy();
    throw err;
  }
  return {
    name,
    hostAddress,
    nsAddress,
    run: (cmd, args, opts = {}) =>
      spawnSync("ip", ["netns", "exec", name, cmd, ...args], { encoding: "utf8", timeout: opts.timeoutMs ?? 30_000, env: { ...process.env, ...opts.env } }),
    start: async (cmd, args, opts) => {
      const p = await startProcess("ip", ["netns", "exec", name, cmd, ...args], opts);
      started.push(p);
      return p;
    },
    destroy,
  };
}
