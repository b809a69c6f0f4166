// Every `pairgate start` setting, defined once: its flag, its PAIRGATE_* variable, its JSON key in --config FILE, its
// default and its help. The CLI, the config-file check, `start --help` and docs/deploy.md read this table.
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { DEFAULT_LIMITS } from "../gateway/limits.js";
import { installedCliCommand } from "./cli-command.js";
import { containerCliCommand } from "./container.js";
import { LOG_FORMATS, LOG_LEVELS } from "../log/logger.js";

export type OptionKind = "port" | "int" | "string" | "list" | "level" | "format" | "duration";

export interface OptionSpec {
  /** The JSON key in --config FILE (camelCase) and the GatewayConfig field. */
  key: string;
  /** The flag without dashes; the variable is envName(flag) unless `env` names it. */
  flag: string;
  env?: string;
  kind: OptionKind;
  help: string;
  default: () => string | number | string[];
  /** How the default reads in --help when it is not a plain value. */
  defaultText?: string;
}

const limit = (key: keyof typeof DEFAULT_LIMITS, flag: string, help: string): OptionSpec => ({
  key,
  flag,
  kind: "int",
  help,
  default: () => DEFAULT_LIMITS[key],
});

export const START_OPTIONS: readonly OptionSpec[] = [
  { key: "port", flag: "port", kind: "port", help: "TCP port to listen on; 0 picks a free one", default: () => 8420 },
  { key: "host", flag: "host", kind: "string", help: "address to bind; 0.0.0.0 to serve the LAN or a container's port mapping", default: () => "127.0.0.1" },
  {
    key: "name",
    flag: "name",
    kind: "string",
    help: "gateway name shown in the dashboard (at most 64 characters)",
    default: () => hostname(),
    defaultText: "this machine's hostname",
  },
  {
    key: "allowedHosts",
    flag: "allowed-host",
    kind: "list",
    help: "host name the gateway answers to, without port (repeatable or comma-separated); IP literals and localhost always pass",
    default: () => [],
  },
  {
    key: "allowedOrigins",
    flag: "allowed-origin",
    kind: "list",
    help: "extra browser Origin allowed to open /ws, scheme://host[:port] (repeatable or comma-separated); http(s)://<Host> always passes",
    default: () => [],
  },
  {
    key: "trustedProxies",
    flag: "trusted-proxy",
    kind: "list",
    help: "address or CIDR of a reverse proxy whose X-Forwarded-For is read (repeatable or comma-separated)",
    default: () => [],
  },
  {
    key: "publicUrl",
    flag: "public-url",
    kind: "string",
    help: "base URL for links the CLI prints (first-start link, invites), http(s)://host[:port]",
    default: () => "",
    defaultText: "a guess from the bind address, --allowed-host and --trusted-proxy, said at start",
  },
  {
    key: "cliHint",
    flag: "cli-hint",
    kind: "string",
    help: 'how the pairing screen tells people to run the CLI, e.g. "docker compose exec pairgate pairgate"',
    default: () => containerCliCommand() ?? installedCliCommand(),
    defaultText:
      "this install: pairgate if it is on PATH, else node /path/to/bin/pairgate.js; in a Docker or Podman container, docker exec <container id> pairgate",
  },
  {
    key: "database",
    flag: "database",
    env: "PAIRGATE_DATABASE_URL",
    kind: "string",
    help: "postgres://user:password@host:port/db to share one database between several gateways (docs/scaling.md)",
    default: () => "",
    defaultText: "SQLite in the state dir",
  },
  {
    key: "upstream",
    flag: "upstream",
    kind: "string",
    help: "http://host:port of an app to put behind device pairing: everything outside --prefix goes there, only for paired browsers (docs/front-door.md)",
    default: () => "",
    defaultText: "none",
  },
  {
    key: "prefix",
    flag: "prefix",
    kind: "string",
    help: "path under which pairgate serves its own pages, socket and endpoints, e.g. /_pairgate (for forward auth behind nginx, Caddy or Traefik)",
    default: () => "",
    defaultText: "none (/_pairgate with --upstream)",
  },
  { key: "logLevel", flag: "log-level", kind: "level", help: `log lines on stderr from this level up: ${LOG_LEVELS.join(", ")}`, default: () => "info" },
  {
    key: "logFormat",
    flag: "log-format",
    kind: "format",
    help: `log lines as ${LOG_FORMATS.join(", ")}: auto is text when stderr is a terminal, else one JSON object per line`,
    default: () => "auto",
  },
  limit(
    "connectionsPerAddress",
    "max-connections-per-address",
    "open HTTP connections (before any WebSocket upgrade) per TCP peer; a --trusted-proxy peer has only the total",
  ),
  limit("connectionsTotal", "max-connections-total", "open HTTP connections (before any WebSocket upgrade) in total; keep it well under `ulimit -n`"),
  limit("unauthPerAddress", "max-unauth-per-address", "unauthenticated sockets per client address"),
  limit("unauthTotal", "max-unauth-total", "unauthenticated sockets in total"),
  limit("pendingPerAddress", "max-pending-per-address", "pending pairing requests per client address"),
  limit("pendingTotal", "max-pending-total", "pending pairing requests in total"),
  limit("newRequestsPerMinute", "max-new-requests-per-minute", "new pairing requests per client address per minute"),
  limit("requestsPerSecond", "rpc-rate", "requests per second per authenticated connection"),
  limit("requestBurst", "rpc-burst", "request burst per authenticated connection"),
  limit("failuresBeforeBackoff", "failures-before-backoff", "failed handshakes per address before backoff starts"),
  limit("maxBackoffMs", "max-backoff-ms", "longest wait after repeated failed handshakes, ms"),
  limit("alertRefusals", "alert-refusals", "refused handshakes from one source within a minute that raise an alert in admin tabs and the audit log"),
  {
    key: "idleExpiry",
    flag: "idle-expiry",
    kind: "duration",
    help: "revoke devices not seen for this long, e.g. 90d (the last active admin never expires)",
    default: () => "",
    defaultText: "off",
  },
];

/** Keys a config file may hold besides START_OPTIONS. */
export const FILE_ONLY_KEYS = ["stateDir"] as const;

export const STATE_DIR_ENV = "PAIRGATE_STATE_DIR";
export const CONFIG_ENV = "PAIRGATE_CONFIG";

/**
 * PAIRGATE_* variables that are not start options but are read on purpose: by every command, by the terminal
 * QR printer, or by the test tooling. Any other PAIRGATE_* variable at start gets a warning naming it.
 */
export const OTHER_ENV: Readonly<Record<string, string>> = {
  [STATE_DIR_ENV]: "state dir for every command",
  [CONFIG_ENV]: "JSON config file for `pairgate start`",
  PAIRGATE_NO_QR: "set to skip terminal QR codes",
  PAIRGATE_CHROMIUM: "Chromium for the browser tests",
  PAIRGATE_SKIP_BUILD: "tests: use the existing build",
  PAIRGATE_UPDATE_PIN: "tests: rewrite the protocol pin",
  PAIRGATE_UPDATE_SCREENSHOTS: "tests: rewrite the docs screenshots",
  PAIRGATE_BENCH_KIT: "benches: load generator entry",
};

export function envName(flag: string): string {
  return `PAIRGATE_${flag.toUpperCase().replace(/-/g, "_")}`;
}

/** The PAIRGATE_* variable of a start option. */
export function optionEnv(spec: OptionSpec): string {
  return spec.env ?? envName(spec.flag);
}

/** `$PAIRGATE_STATE_DIR`, else ~/.pairgate (docs/design.md#cli). */
export function defaultStateDir(): string {
  return process.env[STATE_DIR_ENV] || join(homedir(), ".pairgate");
}

/** The default as --help and the docs show it. */
export function defaultText(spec: OptionSpec): string {
  if (spec.defaultText) return spec.defaultText;
  const d = spec.default();
  if (Array.isArray(d)) return "none";
  return String(d);
}

/** The closest name in `known` to `name` (case and -/_ ignored), if it is close enough to be a typo. */
export function suggest(name: string, known: readonly string[]): string | null {
  const squash = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  const target = squash(name);
  let best: { name: string; distance: number } | null = null;
  for (const candidate of known) {
    const distance = editDistance(target, squash(candidate));
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(target.length / 4)) ? best.name : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
