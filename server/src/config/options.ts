// Every `pairgate start` setting, defined once: its flag, its PAIRGATE_* variable, its JSON key in
// --config FILE, its default and its help. The CLI, the config-file check and the docs all read this table.
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { DEFAULT_LIMITS } from "../gateway/limits.js";
import { LOG_LEVELS } from "../log/logger.js";

export type OptionKind = "port" | "int" | "string" | "list" | "level";

export interface OptionSpec {
  key: string;
  flag: string;
  kind: OptionKind;
  help: string;
  default: () => string | number | string[];
}

const limit = (key: keyof typeof DEFAULT_LIMITS, flag: string, help: string): OptionSpec => ({
  key,
  flag,
  kind: "int",
  help: `${help} (default ${DEFAULT_LIMITS[key]})`,
  default: () => DEFAULT_LIMITS[key],
});

export const START_OPTIONS: OptionSpec[] = [
  { key: "port", flag: "port", kind: "port", help: "TCP port to listen on; 0 picks a free one", default: () => 8420 },
  { key: "host", flag: "host", kind: "string", help: "address to bind; 0.0.0.0 in containers", default: () => "127.0.0.1" },
  { key: "name", flag: "name", kind: "string", help: "gateway name shown in the dashboard", default: () => hostname() },
  { key: "allowedHosts", flag: "allowed-host", kind: "list", help: "extra Host name the gateway answers to (repeatable); IPs and localhost always pass", default: () => [] },
  { key: "allowedOrigins", flag: "allowed-origin", kind: "list", help: "extra browser Origin allowed to open /ws, e.g. https://gw.example.com (repeatable)", default: () => [] },
  { key: "trustedProxies", flag: "trusted-proxy", kind: "list", help: "CIDR of a reverse proxy whose X-Forwarded-For is read (repeatable)", default: () => [] },
  { key: "publicUrl", flag: "public-url", kind: "string", help: "base URL for links the CLI prints (default http://<host>:<port>)", default: () => "" },
  { key: "cliHint", flag: "cli-hint", kind: "string", help: "how the pairing screen tells people to run the CLI", default: () => "npx pairgate" },
  { key: "logLevel", flag: "log-level", kind: "level", help: `log level: ${LOG_LEVELS.join(", ")}`, default: () => "info" },
  limit("unauthPerAddress", "max-unauth-per-address", "unauthenticated sockets per client address"),
  limit("unauthTotal", "max-unauth-total", "unauthenticated sockets in total"),
  limit("pendingPerAddress", "max-pending-per-address", "pending pairing requests per client address"),
  limit("pendingTotal", "max-pending-total", "pending pairing requests in total"),
  limit("newRequestsPerMinute", "max-new-requests-per-minute", "new pairing requests per client address per minute"),
  limit("requestsPerSecond", "rpc-rate", "requests per second per authenticated connection"),
  limit("requestBurst", "rpc-burst", "request burst per authenticated connection"),
  limit("failuresBeforeBackoff", "failures-before-backoff", "failed handshakes per address before backoff starts"),
  limit("maxBackoffMs", "max-backoff-ms", "longest wait after repeated failed handshakes, ms"),
];

export function envName(flag: string): string {
  return `PAIRGATE_${flag.toUpperCase().replace(/-/g, "_")}`;
}

/** `$PAIRGATE_STATE_DIR`, else ~/.pairgate (DESIGN §6). */
export function defaultStateDir(): string {
  return process.env.PAIRGATE_STATE_DIR || join(homedir(), ".pairgate");
}
