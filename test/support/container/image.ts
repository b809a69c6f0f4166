// The pairgate image, built from the repository's Dockerfile exactly as it is, and compose.yaml's services turned
// into the `podman run` flags that Compose would pass, so the tests run the hardening as the file writes it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseSimpleYaml, type Yaml } from "../deploy/dockerfile.js";
import { HOST_CA_BUNDLE } from "./base-images.js";
import { podman } from "./podman.js";

export type ComposeService = { [k: string]: Yaml };

export function composeServices(repoRoot: string): { [name: string]: ComposeService } {
  const compose = parseSimpleYaml(readFileSync(join(repoRoot, "compose.yaml"), "utf8")) as { services: { [name: string]: ComposeService } };
  return compose.services;
}

/**
 * `podman build` of the unchanged Dockerfile (cold: about 11 min on a loaded 2-core machine, most of it compiling
 * better-sqlite3, since its prebuilt binary is on GitHub; warm: seconds to a minute, from podman's layer cache): --pull=never (the stand-in base images are local), --format docker
 * (OCI images have no HEALTHCHECK; Docker's format keeps it), and the host's CA bundle mounted for npm's TLS.
 */
export function buildImage(tag: string, repoRoot: string): { ms: number; output: string } {
  const t0 = performance.now();
  const out = podman(["build", "--pull=never", "--format", "docker", "--volume", `${HOST_CA_BUNDLE}:${HOST_CA_BUNDLE}:ro`, "--tag", tag, repoRoot], {
    timeoutMs: 1_500_000,
  }).ok();
  return { ms: performance.now() - t0, output: out };
}

const list = (v: Yaml | undefined): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/**
 * The `podman run` flags for one compose service. `volumeName` maps each named volume to the test's own (Compose
 * would prefix it with the project name), and `hostPort` replaces the published host port. A key this doesn't know
 * throws, so a new hardening line in compose.yaml can't be silently left out of the test.
 */
export function composeRunFlags(svc: ComposeService, map: { volumeName: (name: string) => string; hostPort?: number }): { flags: string[]; command: string[] } {
  const flags: string[] = [];
  for (const [key, value] of Object.entries(svc)) {
    switch (key) {
      case "build":
      case "image":
      case "profiles":
        break; // how the image is made and when the service starts: the test does these itself
      case "restart":
        flags.push("--restart", String(value));
        break;
      case "ports":
        for (const p of list(value))
          flags.push(
            "--publish",
            map.hostPort === undefined ? p : p.replace(/^(.*:)?(\d+):(\d+)$/, (_, ip = "", _host, inner) => `${ip}${map.hostPort}:${inner}`),
          );
        break;
      case "volumes":
        for (const v of list(value)) {
          const [source, ...rest] = v.split(":");
          flags.push("--volume", [source!.startsWith("/") || source!.startsWith(".") ? source : map.volumeName(source!), ...rest].join(":"));
        }
        break;
      case "environment":
        for (const [k, v] of Object.entries(value as Record<string, string>)) flags.push("--env", `${k}=${v}`);
        break;
      case "read_only":
        // Podman adds writable tmpfs on /run, /tmp and /var/tmp to a read-only root; Docker doesn't. Off, so the
        // container gets exactly what compose.yaml lists, as under Docker.
        if (value === true) flags.push("--read-only", "--read-only-tmpfs=false");
        break;
      case "tmpfs":
        for (const t of list(value)) flags.push("--tmpfs", t);
        break;
      case "cap_drop":
        for (const c of list(value)) flags.push("--cap-drop", c);
        break;
      case "security_opt":
        for (const o of list(value)) flags.push("--security-opt", o);
        break;
      case "network_mode":
        flags.push("--network", String(value));
        break;
      case "stop_grace_period": {
        const seconds = /^(\d+)s$/.exec(String(value));
        if (!seconds) throw new Error(`compose.yaml: stop_grace_period "${value}": the container test reads only whole seconds such as 10s`);
        flags.push("--stop-timeout", seconds[1]!);
        break;
      }
      case "command":
        break; // returned below, after the image
      default:
        throw new Error(`compose.yaml: the container test doesn't know the key "${key}"; add it to composeRunFlags`);
    }
  }
  return { flags, command: list(svc.command) };
}
