// Reconnect delays: exponential from 1 s to 30 s, with ±20 % jitter so that many tabs don't all
// reconnect in the same instant after a gateway restart.

export const BACKOFF_MIN_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;

/** `attempt` counts from 1; `random01` is a uniform number in [0, 1). */
export function backoffDelayMs(attempt: number, random01: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError("attempt must be an integer >= 1");
  const baseMs = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (attempt - 1));
  return Math.round(Math.min(BACKOFF_MAX_MS, baseMs * (0.8 + 0.4 * random01)));
}
