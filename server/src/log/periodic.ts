// Periodic jobs (the expiry sweep, the last-seen and refusal flushes). While the database is down every tick
// fails the same way, so a job logs one warning when it starts failing and one line when it works again, not a
// stack trace every second.
import type { Logger } from "./logger.js";

/** Runs `fn` every `ms` (unref'd: it never keeps the process alive); returns the timer for clearInterval. */
export function every(name: string, ms: number, fn: () => Promise<unknown>, log: Logger, now: () => number = Date.now): ReturnType<typeof setInterval> {
  let failingSinceMs: number | null = null;
  const tick = async () => {
    try {
      await fn();
      if (failingSinceMs === null) return;
      log.info(`${name} works again`, { failedForMs: now() - failingSinceMs });
      failingSinceMs = null;
    } catch (err) {
      if (failingSinceMs !== null) return; // already reported for this outage
      failingSinceMs = now();
      const error = err instanceof Error ? err.message : String(err);
      log.warn(`${name} failing, retried every ${ms} ms (one line until it works again)`, { error });
    }
  };
  const t = setInterval(() => void tick(), ms);
  t.unref();
  return t;
}
