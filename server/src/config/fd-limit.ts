// The open-file limit (`ulimit -n`) bounds how many sockets the gateway can hold, whatever its own caps say. Node
// has no getrlimit, so this reads /proc (Linux only; elsewhere the check is skipped).
import { readFileSync } from "node:fs";
import type { LimitsConfig } from "../gateway/limits.js";

/** The soft "Max open files" of /proc/self/limits, or null where it can't be read or is unlimited. */
export function parseOpenFileLimit(limitsText: string): number | null {
  const line = limitsText.split("\n").find((l) => l.startsWith("Max open files"));
  const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
  return soft && /^\d+$/.test(soft) ? Number(soft) : null;
}

export function openFileLimit(): number | null {
  try {
    return parseOpenFileLimit(readFileSync("/proc/self/limits", "utf8"));
  } catch {
    return null;
  }
}

/** Files the gateway needs besides sockets: the database, its WAL and SHM, the admin socket, logs, Node itself. */
const OWN_FILES = 64;

/** A warning when the caps let the gateway reach the open-file limit before any of its own limits, else null. */
export function fdLimitWarning(limits: LimitsConfig, limit: number | null): string | null {
  if (limit === null) return null;
  const need = limits.connectionsTotal + limits.unauthTotal + OWN_FILES;
  if (limit >= need) return null;
  return (
    `the open-file limit (ulimit -n ${limit}) is below what the connection caps allow (${need}: --max-connections-total ` +
    `${limits.connectionsTotal} + --max-unauth-total ${limits.unauthTotal} + ${OWN_FILES}); paired sockets need files too. ` +
    `Raise it (ulimit -n 65536, or LimitNOFILE= in a systemd unit) or lower --max-unauth-total`
  );
}
