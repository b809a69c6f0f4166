// Real reverse proxies for the deployment tests: Debian's nginx and Caddy, run as children with every path in a
// temp dir, plus a throwaway TLS certificate. Each takes its site config from docs/deploy.md (see doc-blocks.ts).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Netns } from "./netns.js";
import { canConnect, canHandshake, findTool, startProcess, type Proc } from "./processes.js";

export function findNginx(): string {
  return findTool("nginx", ["/usr/sbin/nginx", "/usr/bin/nginx"], "nginx");
}

export function findCaddy(): string {
  return findTool("caddy", ["/usr/bin/caddy", "/usr/local/bin/caddy"], "caddy");
}

/** A free TCP port on 127.0.0.1 (bound and released; good enough for a child started right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A self-signed certificate for `host`, valid one day. */
export function makeCert(dir: string, host: string): { cert: string; key: string } {
  const cert = join(dir, `${host}.crt`);
  const key = join(dir, `${host}.key`);
  const r = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      `/CN=${host}`,
      "-addext",
      `subjectAltName=DNS:${host}`,
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert, key };
}

/** Wraps a site config (the docs' `map` and `server` blocks) in a main config whose every path is under `dir`. */
export function nginxMainConfig(dir: string, site: string): string {
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"];
  for (const t of temp) mkdirSync(join(dir, t), { recursive: true });
  return [
    // As root, workers would drop to nobody and could not write the temp dirs below; this is a test's private dir.
    process.getuid?.() === 0 ? "user root;" : "",
    "worker_processes 1;",
    `pid ${join(dir, "nginx.pid")};`,
    "error_log stderr warn;",
    "events { worker_connections 256; }",
    "http {",
    "  access_log off;",
    ...temp.map((t) => `  ${t}_temp_path ${join(dir, t)};`),
    site,
    "}",
  ].join("\n");
}

export interface ProxyTarget {
  /** Where to check readiness: the address and port the proxy listens on, reachable from this process. */
  host: string;
  port: number;
  ns?: Netns;
  /** For an https site: ready only once a handshake for this name succeeds, not when the port accepts. */
  tlsServername?: string;
}

export async function startNginx(dir: string, site: string, target: ProxyTarget): Promise<Proc> {
  const conf = join(dir, "nginx.conf");
  writeFileSync(conf, nginxMainConfig(dir, site));
  const args = ["-e", "stderr", "-p", dir, "-c", conf, "-g", "daemon off;"];
  // nginx writes its pid file after binding; waiting for it too means a port answered by someone else can't pass for nginx.
  const pidFile = join(dir, "nginx.pid");
  const opts = { name: "nginx", ready: async () => existsSync(pidFile) && (await canConnect(target.host, target.port)), timeoutMs: 15_000 };
  return target.ns ? target.ns.start(findNginx(), args, opts) : startProcess(findNginx(), args, opts);
}

/**
 * Caddy with the docs' site block. The global options keep it inside the test: certificates from its own local CA
 * (no ACME, no network), no admin endpoint, no change to the system trust store, all state under `dir`.
 */
export async function startCaddy(dir: string, site: string, target: ProxyTarget): Promise<Proc> {
  const conf = join(dir, "Caddyfile");
  writeFileSync(
    conf,
    [
      "{",
      "\tadmin off",
      "\tlocal_certs",
      "\tskip_install_trust",
      `\tstorage file_system ${join(dir, "data")}`,
      "\tauto_https disable_redirects",
      "}",
      "",
      site,
      "",
    ].join("\n"),
  );
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, "xdg-data"), XDG_CONFIG_HOME: join(dir, "xdg-config") };
  const args = ["run", "--config", conf, "--adapter", "caddyfile"];
  const { host, port, tlsServername } = target;
  const ready = () => (tlsServername ? canHandshake(host, port, tlsServername) : canConnect(host, port));
  const opts = { name: "caddy", env, ready, timeoutMs: 30_000 };
  return target.ns ? target.ns.start(findCaddy(), args, opts) : startProcess(findCaddy(), args, opts);
}
