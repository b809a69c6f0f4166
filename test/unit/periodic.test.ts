// Periodic jobs log one warning per outage (and one line when they work again), not a line on every failed tick.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { createLogger } from "../../server/src/log/logger.js";
import { every } from "../../server/src/log/periodic.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it("logs one warning when a job starts failing, none while it keeps failing, and one line when it works again", async () => {
  const lines: Array<{ level: string; msg: string; error?: string; failedForMs?: number }> = [];
  const log = createLogger("debug", (l) => void lines.push(JSON.parse(l)));
  let down = false;
  const t = every(
    "expiry sweep",
    1000,
    async () => {
      if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
    },
    log,
    () => Date.now(),
  );
  await vi.advanceTimersByTimeAsync(3000);
  expect(lines).toEqual([]);
  down = true;
  await vi.advanceTimersByTimeAsync(10_000); // ten failed ticks
  down = false;
  await vi.advanceTimersByTimeAsync(1000);
  down = true;
  await vi.advanceTimersByTimeAsync(2000); // a second outage
  clearInterval(t);
  expect(lines.map((l) => [l.level, l.msg])).toEqual([
    ["warn", "expiry sweep failing, retried every 1000 ms (one line until it works again)"],
    ["info", "expiry sweep works again"],
    ["warn", "expiry sweep failing, retried every 1000 ms (one line until it works again)"],
  ]);
  expect(lines[0]!.error).toBe("connect ECONNREFUSED 127.0.0.1:5432");
  expect(lines[1]!.failedForMs).toBe(10_000);
});
