// Turns flags, PAIRGATE_* variables and an optional JSON config file into one checked GatewayConfig.
// Precedence: flag > environment > config file > default. Anything unknown or malformed is refused, by name.
import { readFileSync } from "node:fs";
import { DEFAULT_LIMITS, type LimitsConfig } from "../gateway/limits.js";
import { LOG_LEVELS, type LogLevel } from "../log/logger.js";
import { parseCidr, type Cidr } from "../net/cidr.js";
import { START_OPTIONS, type OptionSpec } from "./options.js";

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
  logLevel: LogLevel;
  limits: LimitsConfig;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export type RawValue = string | number | boolean | string[] | undefined;

/** Reads --config FILE: a JSON object whose keys are the option keys (camelCase). */
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
  const known = new Set([...START_OPTIONS.map((o) => o.key), "stateDir"]);
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new ConfigError(`unknown key "${key}" in config file ${path} (known: ${[...known].join(", ")})`);
  }
  return value as Record<string, unknown>;
}

/** `values` holds each option's already-resolved raw value (flag, env, file or default). */
export function buildConfig(values: Record<string, unknown>, stateDir: string): GatewayConfig {
  const get = (spec: OptionSpec) => coerce(spec, values[spec.key] ?? spec.default());
  const v = Object.fromEntries(START_OPTIONS.map((s) => [s.key, get(s)])) as Record<string, unknown>;
  const limits = Object.fromEntries(Object.keys(DEFAULT_LIMITS).map((k) => [k, v[k]])) as unknown as LimitsConfig;
  for (const [k, n] of Object.entries(limits)) if ((n as number) < 1) throw new ConfigError(`${k} must be at least 1`);
  const publicUrl = String(v.publicUrl);
  if (publicUrl && !/^https?:\/\/[^/\s]+\/?$/.test(publicUrl)) throw new ConfigError(`public-url must look like http(s)://host[:port], got "${publicUrl}"`);
  for (const o of v.allowedOrigins as string[]) {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new ConfigError(`allowed-origin must be scheme://host[:port] with no path, got "${o}"`);
  }
  let trustedProxies: Cidr[];
  try {
    trustedProxies = (v.trustedProxies as string[]).map(parseCidr);
  } catch (err) {
    throw new ConfigError(`trusted-proxy: ${(err as Error).message}`);
  }
  return {
    port: v.port as number,
    host: String(v.host),
    stateDir,
    name: String(v.name).slice(0, 64),
    allowedHosts: (v.allowedHosts as string[]).map((h) => h.toLowerCase()),
    allowedOrigins: v.allowedOrigins as string[],
    trustedProxies,
    publicUrl,
    cliHint: String(v.cliHint).slice(0, 120),
    logLevel: v.logLevel as LogLevel,
    limits,
  };
}

function coerce(spec: OptionSpec, raw: unknown): unknown {
  const bad = (why: string) => new ConfigError(`--${spec.flag}: ${why}, got ${JSON.stringify(raw)}`);
  switch (spec.kind) {
    case "port":
    case "int": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
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
    case "level":
      if (typeof raw !== "string" || !(LOG_LEVELS as readonly string[]).includes(raw)) throw bad(`expected one of ${LOG_LEVELS.join(", ")}`);
      return raw;
  }
}

