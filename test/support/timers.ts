// Timers for gateways under test: short ones (broadcast coalescing) run for real, long ones (the 10 s
// handshake deadline) wait until the test fires them, so deadline tests need no sleeps.
import type { Timers } from "../../server/src/gateway/socket.js";

export function manualTimers(realBelowMs = 5000) {
  const held: Array<{ fn: () => void; ms: number; cancelled: boolean }> = [];
  const timers: Timers = {
    set(fn, ms) {
      if (ms < realBelowMs) {
        const t = setTimeout(fn, ms);
        t.unref();
        return () => clearTimeout(t);
      }
      const entry = { fn, ms, cancelled: false };
      held.push(entry);
      return () => void (entry.cancelled = true);
    },
  };
  return {
    timers,
    /** Runs every held, uncancelled timer of exactly `ms`; returns how many ran. */
    fire(ms: number): number {
      const due = held.filter((e) => e.ms === ms && !e.cancelled);
      for (const e of due) {
        e.cancelled = true;
        e.fn();
      }
      return due.length;
    },
    pending: (ms: number) => held.filter((e) => e.ms === ms && !e.cancelled).length,
  };
}
