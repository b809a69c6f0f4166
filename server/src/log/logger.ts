// Structured logs: one JSON object per line on stderr, one line per event, built on nothing but node. Why not pino: the
// gateway logs a handful of lines a minute (start, pairing, revoke, refusals), so pino's speed buys nothing, while it
// would add a dependency tree and a transport worker to an image we keep small. JSON lines on stderr are what `docker
// logs`, journald and any log shipper already read; stdout stays for people. Never pass invite tokens, pairing codes,
// nonces or signatures in `fields` (docs/design.md#details). As a second line of defence, fields with those names are
// replaced by "[redacted]"; the deploy-config test greps the log for secrets.

import { printable } from "../../../shared/index.js";

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
/** json for log shippers; text for a person at a terminal; auto picks text when stderr is a terminal. */
export const LOG_FORMATS = ["auto", "json", "text"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Field names that would hold a secret. `code` alone is an error code (origin_not_allowed) and is kept. */
const SECRET_FIELD = /^(token|inviteToken|invite|pairingCode|nonce|signature|secret|password|authorization|cookie)$/i;

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l), format: LogFormat = "json"): Logger {
  const asText = format === "text" || (format === "auto" && process.stderr.isTTY === true);
  const at = (lvl: Exclude<LogLevel, "silent">) => (msg: string, fields?: LogFields) => {
    if (RANK[lvl] < RANK[level]) return;
    const entry: Record<string, unknown> = { t: new Date().toISOString(), level: lvl, msg };
    if (fields) for (const [k, v] of Object.entries(fields)) if (v !== undefined && !(k in entry)) entry[k] = SECRET_FIELD.test(k) ? "[redacted]" : v;
    write((asText ? textLine(entry) : jsonLine(entry)) + "\n");
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/**
 * JSON.stringify escapes C0 controls but leaves C1 controls (U+009B is a one-byte CSI) and bidi overrides raw, and
 * people `tail` log files in a terminal. Escaping them keeps the line valid JSON with the same value.
 */
const UNSAFE_IN_TERMINAL = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
function jsonLine(entry: Record<string, unknown>): string {
  return JSON.stringify(entry).replace(UNSAFE_IN_TERMINAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `15:39:07 info  pairing requested  fingerprint=ABCD-EFGH`: fields may hold request headers, so escaped. */
function textLine({ t, level, msg, ...fields }: Record<string, unknown>): string {
  const time = new Date(String(t)).toTimeString().slice(0, 8);
  const rest = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "string" && /\s/.test(v) ? JSON.stringify(v) : String(v)}`);
  return printable([`${time} ${String(level).padEnd(5)} ${String(msg)}`, ...rest].join("  "));
}

export const silentLogger: Logger = createLogger("silent");
