// Bursts of refused handshakes from one source: many failed signatures, bad origins or rate-limited attempts in a
// minute are someone probing the gateway, and admins should hear of it at once, once per burst, not per refusal.
// In memory and bounded, like the other limits; per gateway process (see docs/security.md).

export const REFUSAL_BURST_WINDOW_MS = 60_000;
const MAX_TRACKED_SOURCES = 10_000;

export class RefusalBursts {
  private readonly windows = new Map<string, { startMs: number; count: number }>();

  /** `threshold`: refusals from one source within the window that make an alert (`--alert-refusals`). */
  constructor(
    private readonly threshold: number,
    private readonly windowMs = REFUSAL_BURST_WINDOW_MS,
  ) {}

  /**
   * Counts one refusal from `source`. Returns the count when it reaches the threshold, which happens at most once per
   * source and window (the window starts at the source's first refusal); null otherwise.
   */
  hit(source: string, nowMs: number): number | null {
    let w = this.windows.get(source);
    if (!w || nowMs - w.startMs >= this.windowMs) {
      this.windows.delete(source); // re-inserted last, so the oldest windows come first when pruning
      if (this.windows.size >= MAX_TRACKED_SOURCES) this.prune(nowMs);
      w = { startMs: nowMs, count: 0 };
      this.windows.set(source, w);
    }
    w.count++;
    return w.count === this.threshold ? w.count : null;
  }

  /** Drops finished windows; if every source is still in its window, the oldest ones (a flood of fresh addresses). */
  private prune(nowMs: number): void {
    for (const [source, w] of this.windows) if (nowMs - w.startMs >= this.windowMs) this.windows.delete(source);
    for (const source of this.windows.keys()) {
      if (this.windows.size < MAX_TRACKED_SOURCES) break;
      this.windows.delete(source);
    }
  }
}
