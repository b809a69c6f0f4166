// Podman for the container tests and the bench, kept apart from anything else on the machine: its own image
// store under CACHE_ROOT (so the stand-in `node:20-…` tags never shadow a real image), its own run root, and a
// containers.conf with the settings this kind of CI kernel needs (runc, explicit ulimits, no systemd or journald).
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Stand-in base images, podman's image store and the .deb cache; kept between runs on one machine. */
export const CACHE_ROOT = process.env.PAIRGATE_TEST_IMAGES ?? "/var/cache/pairgate-test-images";
const RUN_ROOT = "/run/pairgate-test-podman";

/** This process's hard limit for one resource ("Max open files"), capped; unlimited reads as the cap. */
function hardLimit(name: string, cap: number): number {
  const m = new RegExp(`^${name}\\s+\\S+\\s+(\\S+)`, "m").exec(readFileSync("/proc/self/limits", "utf8"));
  const hard = m && m[1] !== "unlimited" ? Number(m[1]) : cap;
  return Math.min(hard, cap);
}

// crun fails on a cgroup v1/v2 hybrid host ("cgroups in hybrid mode not supported"). Podman's default ulimits
// (a million open files and processes) fail with EPERM where root lacks CAP_SYS_RESOURCE, as in a sandboxed CI VM.
// The containers get this process's own open-file limit, and 4096 processes (plenty for one gateway; on this kind
// of VM, nproc above 32768 failed with EPERM although the caller's hard limit was higher).
const CONTAINERS_CONF = () => `[containers]
default_ulimits = ["nofile=${hardLimit("Max open files", 65_536)}", "nproc=4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
`;

const STORAGE_CONF = (graphroot: string) => `[storage]
driver = "overlay"
graphroot = "${graphroot}"
runroot = "${RUN_ROOT}"
`;

/** The environment every podman call gets: the private store and config above. */
export function podmanEnv(): NodeJS.ProcessEnv {
  const confDir = join(CACHE_ROOT, "conf");
  mkdirSync(confDir, { recursive: true });
  const containersConf = join(confDir, "containers.conf");
  const storageConf = join(confDir, "storage.conf");
  writeFileSync(containersConf, CONTAINERS_CONF());
  writeFileSync(storageConf, STORAGE_CONF(join(CACHE_ROOT, "storage")));
  return { ...process.env, CONTAINERS_CONF: containersConf, CONTAINERS_STORAGE_CONF: storageConf };
}

export interface PodmanResult extends SpawnSyncReturns<string> {
  /** stdout, trimmed; throws with podman's stderr when the command failed. */
  ok(): string;
}

let env: NodeJS.ProcessEnv | null = null;

export function podman(args: string[], opts: { timeoutMs?: number; input?: string } = {}): PodmanResult {
  env ??= podmanEnv();
  const r = spawnSync("podman", args, { encoding: "utf8", env, timeout: opts.timeoutMs ?? 60_000, input: opts.input, maxBuffer: 64 * 1024 * 1024 });
  return Object.assign(r, {
    ok() {
      if (r.status !== 0)
        throw new Error(`podman ${args.join(" ")} failed (${r.error?.message ?? r.status}):\n${`${r.stderr}${r.stdout}`.trim().slice(-4000)}`);
      return r.stdout.trim();
    },
  });
}

/**
 * null when podman can run a container here; otherwise exactly why not, with the fix. Checks the premise the
 * container tests depend on: root (the bridge network and the stand-in builds need it), podman, runc, debootstrap.
 */
export function podmanUnavailable(): string | null {
  if (process.platform !== "linux") return `podman containers need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return "the container test runs rootful podman with a bridge network: run the tests as root, as .ci/run does";
  const missing = [
    ["podman", ["--version"]],
    ["runc", ["--version"]],
    ["/usr/sbin/debootstrap", ["--version"]],
  ].filter(([cmd, args]) => spawnSync(cmd as string, args as string[]).status !== 0);
  if (missing.length) return `missing ${missing.map(([c]) => c).join(", ")}: apt-get install -y podman runc debootstrap`;
  const info = podman(["info", "--format", "{{.Host.OCIRuntime.Name}}"]);
  if (info.status !== 0) return `podman info fails here: ${info.stderr.trim()}`;
  return null;
}
