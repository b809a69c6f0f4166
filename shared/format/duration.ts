// Durations as people type them ("90s", "15m", "2h", "1d", "2w"), for the CLI, the gateway's settings and the
// dashboard's forms alike, and the rules for a device's lifetime. Pure: no clock, no I/O.

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** "15m", "2h", "90s", "1d", "2w" or a plain number of ms → ms; null for anything else ("soon", "-3h", "1.5h"). */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,15})\s*(ms|s|m|h|d|w)?$/.exec(text.trim().toLowerCase());
  if (!m) return null;
  return Number(m[1]) * UNIT_MS[(m[2] ?? "ms") as keyof typeof UNIT_MS];
}

/** A guest device lives at least this long: shorter would end before anyone could use it. */
export const DEVICE_EXPIRY_MIN_MS = 1000;
/** At most ten years: a longer end time is a typo (`100000d`), not a plan; leave it out for "never". */
export const DEVICE_EXPIRY_MAX_MS = 10 * 365 * 86_400_000;
export const DEVICE_EXPIRY_RULE = "between 1 second and 10 years, e.g. 2h, 1d or 4w";
/** Idle expiry below an hour would revoke browsers that merely closed their tab for lunch. */
export const IDLE_EXPIRY_MIN_MS = 3_600_000;
export const IDLE_EXPIRY_RULE = "between 1 hour and 10 years, e.g. 90d";

/** A device lifetime typed by a person → ms, or the problem in words (naming the rule, not the flag). */
export function parseDeviceExpiry(text: string, kind: "device" | "idle" = "device"): { ok: true; ms: number } | { ok: false; problem: string } {
  const ms = parseDuration(text);
  const [min, rule] = kind === "idle" ? [IDLE_EXPIRY_MIN_MS, IDLE_EXPIRY_RULE] : [DEVICE_EXPIRY_MIN_MS, DEVICE_EXPIRY_RULE];
  if (ms === null || !/[a-z]$/i.test(text.trim())) return { ok: false, problem: `expected a length of time with a unit, ${rule}` };
  if (ms < min || ms > DEVICE_EXPIRY_MAX_MS) return { ok: false, problem: `must be ${rule}` };
  return { ok: true, ms };
}
