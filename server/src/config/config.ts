// Turns flags, PAIRGATE_* variables and an optional JSON config file into one checked GatewayConfig.
// Precedence: flag > environment > config file > default. Anything unknown or malformed is refused, and the
// message names the setting the way the user wrote it (--port, PAIRGATE_PORT or "port" in the file).
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { hasUnsafeChars, isIPv4, isIPv6, NAME_RULE, nameProblem, parseDeviceExpiry } from "../../../shared/index.js";
import { DEFAULT_LIMITS, type LimitsConfig } from "../gateway/limits.js";
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "../log/logger.js";
import { parseCidr, type Cidr } from "../net/cidr.js";
import { FILE_ONLY_KEYS, optionEnv, OTHER_ENV, START_OPTIONS, suggest, type OptionSpec } from "./options.js";

export type SettingSource = "flag" | "env" | "file" | "default";

export interface GatewayConfig {
  port: number;
  host: string;
  stateDir: string;
  name: string;
  allowedHosts: string[];
  allowedOrigins: string[];
  trustedProxies: Cidr[];
  publicUrl: string;
  cliHint: string;
  /** Whether cliHint was set by hand (then the approve command is shown exactly as configured). */
  cliHintConfigured?: boolean;
  logLevel: LogLevel;
  logFormat?: LogFormat;
  limits: LimitsConfig;
  /** A postgres:// URL shared by several gateways; "" for SQLite in the state dir. */
  database: string;
  /** Devices not seen for this long expire (--idle-expiry); null: off. Optional so tests may build configs by hand. */
  idleExpiryMs?: number | null;
  /** http(s)://host:port of the app behind the front door; "" for none. */
  upstream?: string;
  /** Where pairgate's own routes live ("/_pairgate"); "" for the root. */
  prefix?: string;
  /** Where each setting came from, for `pairgate doctor` (absent when built directly by tests). */
  sources?: Record<string, SettingSource>;
  configFile?: string | null;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Linux allows 108 bytes in a Unix socket path, including the final NUL; macOS 104. */
const MAX_SOCKET_PATH_BYTES = 103;

/** Reads --config FILE: a JSON object whose keys are the option keys (camelCase). Unknown keys are refused. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConfigError(`config file ${path} must hold a JSON object`);
  const known = [...START_OPTIONS.map((o) => o.key), ...FILE_ONLY_KEYS];
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = suggest(key, known);
    throw new ConfigError(`unknown key "${key}" in config file ${path}${near ? `; did you mean "${near}"?` : ""} (known keys: ${known.join(", ")})`);
  }
  return value as Record<string, unknown>;
}

export interface StartInputs {
  /** Parsed `start` options (commander's opts(): flag and env values merged). */
  flags: Record<string, unknown>;
  /** Where commander got each option: "cli", "env", or undefined when unset. */
  sourceOf: (key: string) => string | undefined;
  env: NodeJS.ProcessEnv;
  defaultStateDir: string;
}

/** Resolves `pairgate start` settings with their precedence; returns the config and warnings for the log. */
export function resolveStartConfig(inputs: StartInputs): { config: GatewayConfig; warnings: string[] } {
  const { flags, sourceOf } = inputs;
  const configFile = typeof flags.config === "string" && flags.config ? resolve(flags.config) : null;
  const file = configFile ? readConfigFile(configFile) : {};
  const values: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const spec of START_OPTIONS) {
    const from = sourceOf(spec.key);
    if ((from === "cli" || from === "env") && flags[spec.key] !== undefined) {
      values[spec.key] = flags[spec.key];
      sources[spec.key] = from === "cli" ? "flag" : "env";
    } else if (Object.hasOwn(file, spec.key)) {
      values[spec.key] = file[spec.key];
      sources[spec.key] = "file";
    } else sources[spec.key] = "default";
  }
  let stateDir: string;
  const stateDirFrom = sourceOf("stateDir");
  if ((stateDirFrom === "cli" || stateDirFrom === "env") && typeof flags.stateDir === "string" && flags.stateDir) {
    stateDir = resolve(flags.stateDir);
    sources.stateDir = stateDirFrom === "cli" ? "flag" : "env";
  } else if (configFile && Object.hasOwn(file, "stateDir")) {
    if (typeof file.stateDir !== "string" || !file.stateDir)
      throw new ConfigError(`"stateDir" in ${configFile}: expected a path, got ${JSON.stringify(file.stateDir)}`);
    // A relative stateDir in a file means relative to that file, so the file works from any working directory.
    stateDir = isAbsolute(file.stateDir) ? file.stateDir : join(dirname(configFile), file.stateDir);
    sources.stateDir = "file";
  } else {
    stateDir = resolve(inputs.defaultStateDir);
    sources.stateDir = "default";
  }
  const label = (spec: OptionSpec) => labelFor(spec, sources[spec.key] ?? "default", configFile);
  const config = buildConfig(values, stateDir, label);
  return { config: { ...config, sources, configFile }, warnings: unknownEnvWarnings(inputs.env) };
}

function labelFor(spec: OptionSpec, source: SettingSource, configFile: string | null): string {
  switch (source) {
    case "flag":
      return `--${spec.flag}`;
    case "env":
      return optionEnv(spec);
    case "file":
      return `"${spec.key}" in ${configFile}`;
    case "default":
      return `--${spec.flag} (default)`;
  }
}

/**
 * PAIRGATE_* variables that pairgate does not read. They are warned about, not refused: platforms set such
 * variables on their own (Kubernetes service links make PAIRGATE_SERVICE_HOST for a Service named "pairgate").
 */
export function unknownEnvWarnings(env: NodeJS.ProcessEnv): string[] {
  const known = [...START_OPTIONS.map((s) => optionEnv(s)), ...Object.keys(OTHER_ENV)];
  const warnings: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith("PAIRGATE_") || known.includes(name)) continue;
    const near = suggest(name, known);
    warnings.push(`${name} is not a pairgate setting and is ignored${near ? `; did you mean ${near}?` : ""}`);
  }
  return warnings;
}

/**
 * `values` holds each option's raw value (from a flag, env, file, or absent for the default). `label` names a
 * setting in error messages; by default as its flag.
 */
export function buildConfig(values: Record<string, unknown>, stateDir: string, label: (spec: OptionSpec) => string = (s) => `--${s.flag}`): GatewayConfig {
  const v: Record<string, unknown> = {};
  const specOf = (key: string) => START_OPTIONS.find((s) => s.key === key)!;
  const fail = (key: string, why: string) => new ConfigError(`${label(specOf(key))}: ${why}`);
  for (const spec of START_OPTIONS) v[spec.key] = coerce(spec, values[spec.key] ?? spec.default(), label(spec));

  const limits = Object.fromEntries(Object.keys(DEFAULT_LIMITS).map((k) => [k, v[k]])) as unknown as LimitsConfig;
  for (const [k, n] of Object.entries(limits)) if ((n as number) < 1) throw fail(k, `must be at least 1, got ${n}`);

  const host = String(v.host).trim();
  if (!isIPv4(host) && !isIPv6(host) && !HOSTNAME.test(host))
    throw fail("host", `expected an address to bind such as 127.0.0.1, 0.0.0.0 or ::, got ${JSON.stringify(v.host)}`);

  const name = String(v.name);
  if (nameProblem(name)) throw fail("name", `expected ${NAME_RULE}, got ${JSON.stringify(name)}`);
  const cliHint = String(v.cliHint);
  if (cliHint.trim() === "" || cliHint.length > 200 || hasUnsafeChars(cliHint))
    throw fail("cliHint", `expected 1 to 200 printable characters, got ${JSON.stringify(cliHint)}`);

  const publicUrl = String(v.publicUrl);
  if (publicUrl && !/^https?:\/\/[^/\s?#]+\/?$/i.test(publicUrl)) throw fail("publicUrl", `expected http(s)://host[:port] with no path, got "${publicUrl}"`);

  const allowedHosts = (v.allowedHosts as string[]).map((h) => checkAllowedHost(h, (why) => fail("allowedHosts", why)));
  const allowedOrigins = (v.allowedOrigins as string[]).map((o) => checkAllowedOrigin(o, (why) => fail("allowedOrigins", why)));
  const trustedProxies = (v.trustedProxies as string[]).map((text) => {
    try {
      return parseCidr(text);
    } catch (err) {
      throw fail("trustedProxies", `${(err as Error).message}; expected an address or CIDR such as 127.0.0.1/32 or 172.16.0.0/12`);
    }
  });

  const database = String(v.database).trim();
  if (database && !/^postgres(ql)?:\/\/[^\s]+$/i.test(database)) {
    throw fail(
      "database",
      `expected a postgres:// URL such as postgres://pairgate:secret@db:5432/pairgate, got ${database.includes("@") ? "a value that is not one (not shown: it may hold a password)" : JSON.stringify(database)}`,
    );
  }

  const upstream = String(v.upstream).trim().replace(/\/+$/, "");
  if (upstream && !/^https?:\/\/[^/\s?#@]+$/i.test(upstream))
    throw fail("upstream", `expected http://host:port of the app, with no path, got ${JSON.stringify(upstream)}`);
  let prefix = String(v.prefix).trim().replace(/\/+$/, "");
  if (!prefix && upstream) prefix = DEFAULT_PREFIX;
  if (prefix && !/^(\/[A-Za-z0-9_-]+)+$/.test(prefix))
    throw fail("prefix", `expected a path such as /_pairgate (letters, digits, _ and -), got ${JSON.stringify(v.prefix)}`);

  if (Buffer.byteLength(join(stateDir, "admin.sock")) > MAX_SOCKET_PATH_BYTES) {
    throw new ConfigError(`state dir ${stateDir} is too long: its admin socket path must fit in ${MAX_SOCKET_PATH_BYTES} bytes; choose a shorter --state-dir`);
  }

  return {
    port: v.port as number,
    host,
    stateDir,
    name,
    allowedHosts,
    allowedOrigins,
    trustedProxies,
    publicUrl: publicUrl.replace(/\/+$/, ""),
    cliHint,
    cliHintConfigured: values.cliHint !== undefined,
    logLevel: v.logLevel as LogLevel,
    logFormat: v.logFormat as LogFormat,
    limits,
    database,
    idleExpiryMs: v.idleExpiry as number | null,
    upstream,
    prefix,
  };
}

/** pairgate's own routes when it fronts an app: not a dot-path, which common nginx hardening rules deny. */
export const DEFAULT_PREFIX = "/_pairgate";

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** A Host name as --allowed-host takes it: no scheme, no port (Host matching ignores the port: docs/design.md#details). */
function checkAllowedHost(raw: string, fail: (why: string) => ConfigError): string {
  const h = raw.trim().toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(h))
    throw fail(`"${raw}" is a URL; give the host name only (e.g. ${h.replace(/^[a-z]+:\/\//, "").replace(/[:/].*$/, "")}), and the URL to --allowed-origin`);
  if (/^[^:\[\]]+:\d+$/.test(h)) throw fail(`"${raw}" has a port; give the host name only (${h.replace(/:\d+$/, "")}): Host matching ignores the port`);
  if (h.includes("*")) throw fail(`"${raw}": wildcards are not supported; list each host name`);
  const bare = h.replace(/^\[|\]$/g, "");
  if (!HOSTNAME.test(h) && !isIPv6(bare)) throw fail(`"${raw}" is not a host name`);
  return h.replace(/\.$/, "");
}

/** An Origin as browsers send it: scheme://host[:port], lower case, no path, no default port. */
function checkAllowedOrigin(raw: string, fail: (why: string) => ConfigError): string {
  const o = raw.trim().toLowerCase();
  const m = /^(https?):\/\/([^/\s?#]+)(\/?)$/.exec(o);
  if (!m) throw fail(`"${raw}" is not an origin; expected scheme://host[:port] with no path, e.g. https://gw.example.com`);
  if (m[3]) throw fail(`"${raw}" ends with "/"; browsers send the Origin without it: ${o.replace(/\/$/, "")}`);
  const defaultPort = m[1] === "https" ? ":443" : ":80";
  if (m[2]!.endsWith(defaultPort)) throw fail(`"${raw}" names the default port; browsers omit it in Origin: ${o.slice(0, -defaultPort.length)}`);
  return o;
}

function coerce(spec: OptionSpec, raw: unknown, label: string): unknown {
  const bad = (why: string) => new ConfigError(`${label}: ${why}, got ${JSON.stringify(raw)}`);
  switch (spec.kind) {
    case "port":
    case "int": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (typeof raw === "string" && /^tcp:\/\//.test(raw) && label.startsWith("PAIRGATE_"))
        throw bad(
          "expected a whole number (this looks like a Kubernetes service link: set enableServiceLinks: false on the pod, or name the Service something other than pairgate)",
        );
      if (!Number.isSafeInteger(n) || n < 0) throw bad("expected a whole number");
      if (spec.kind === "port" && n > 65535) throw bad("expected a port from 0 to 65535");
      return n;
    }
    case "string":
      if (typeof raw !== "string") throw bad("expected a string");
      return raw;
    case "list": {
      const list = typeof raw === "string" ? raw.split(",") : raw;
      if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) throw bad("expected a list of strings");
      return list.map((x) => x.trim()).filter(Boolean);
    }
    case "duration": {
      if (raw === "" || raw === "off") return null;
      if (typeof raw !== "string") throw bad("expected a length of time such as 90d, or off");
      const parsed = parseDeviceExpiry(raw, "idle");
      if (!parsed.ok) throw bad(parsed.problem);
      return parsed.ms;
    }
    case "level":
    case "format": {
      const allowed: readonly string[] = spec.kind === "level" ? LOG_LEVELS : LOG_FORMATS;
      if (typeof raw !== "string" || !allowed.includes(raw)) throw bad(`expected one of ${allowed.join(", ")}`);
      return raw;
    }
  }
}
