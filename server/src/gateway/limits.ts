// Abuse limits (docs/design.md#http-and-trust), all in memory and bounded in size. Each answers with the ms to wait,
// never a ban.

export interface LimitsConfig {
  connectionsPerAddress: number;
  connectionsTotal: number;
  unauthPerAddress: number;
  unauthTotal: number;
  requestsPerSecond: number;
  requestBurst: number;
  pendingPerAddress: number;
  pendingTotal: number;
  newRequestsPerMinute: number;
  failuresBeforeBackoff: number;
  maxBackoffMs: number;
  /** Refused handshakes from one source within a minute that raise an alert in admin tabs and the audit log. */
  alertRefusals: number;
}

export const DEFAULT_LIMITS: LimitsConfig = {
  connectionsPerAddress: 128,
  connectionsTotal: 512,
  unauthPerAddress: 32,
  unauthTotal: 1024,
  requestsPerSecond: 20,
  requestBurst: 60,
  pendingPerAddress: 3,
  pendingTotal: 20,
  newRequestsPerMinute: 10,
  failuresBeforeBackoff: 5,
  maxBackoffMs: 60_000,
  alertRefusals: 10,
};

const MAX_TRACKED_ADDRESSES = 10_000;

/** Counts open slots (connections, unauthenticated sockets) per address key and in total. */
export class SlotCounter {
  private readonly perKey = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxPerKey: number,
    private readonly maxTotal: number,
  ) {}

  /** `anyPerKey`: only the total applies (a trusted proxy's own address carries many clients). */
  tryAcquire(key: string, anyPerKey = false): boolean {
    const n = this.perKey.get(key) ?? 0;
    if ((!anyPerKey && n >= this.maxPerKey) || this.total >= this.maxTotal) return false;
    this.perKey.set(key, n + 1);
    this.total++;
    return true;
  }

  release(key: string): void {
    const n = this.perKey.get(key) ?? 0;
    if (n <= 1) this.perKey.delete(key);
    else this.perKey.set(key, n - 1);
    if (n > 0) this.total--;
  }

  get open(): number {
    return this.total;
  }
}

/** Fixed-window counter per address, e.g. new pairing requests per minute. */
export class WindowCounter {
  private readonly windows = new Map<string, { startMs: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Returns 0 when allowed (and counts it), else ms until the window resets. */
  hit(key: string, nowMs: number): number {
    let w = this.windows.get(key);
    if (!w || nowMs - w.startMs >= this.windowMs) {
      if (!w && this.windows.size >= MAX_TRACKED_ADDRESSES) this.windows.delete(this.windows.keys().next().value!);
      w = { startMs: nowMs, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.max) return w.startMs + this.windowMs - nowMs;
    w.count++;
    return 0;
  }
}

/**
 * Failed handshakes per address: after `failuresBeforeBackoff` failures each further one doubles the wait
 * (1 s, 2 s, 4 s … up to maxBackoffMs). Ten quiet minutes reset it. Never permanent.
 */
export class FailureBackoff {
  private readonly state = new Map<string, { failures: number; lastMs: number; blockedUntilMs: number }>();
  private static readonly RESET_AFTER_MS = 10 * 60_000;

  constructor(private readonly limits: Pick<LimitsConfig, "failuresBeforeBackoff" | "maxBackoffMs">) {}

  /** ms to wait before this address may try again, 0 if it may. */
  retryAfterMs(address: string, nowMs: number): number {
    const s = this.state.get(address);
    if (!s) return 0;
    if (nowMs - s.lastMs > FailureBackoff.RESET_AFTER_MS) {
      this.state.delete(address);
      return 0;
    }
    return Math.max(0, s.blockedUntilMs - nowMs);
  }

  recordFailure(address: string, nowMs: number): void {
    let s = this.state.get(address);
    if (s && nowMs - s.lastMs > FailureBackoff.RESET_AFTER_MS) s = undefined;
    if (!s) {
      if (this.state.size >= MAX_TRACKED_ADDRESSES) this.state.delete(this.state.keys().next().value!);
      s = { failures: 0, lastMs: nowMs, blockedUntilMs: 0 };
      this.state.set(address, s);
    }
    s.failures++;
    s.lastMs = nowMs;
    const over = s.failures - this.limits.failuresBeforeBackoff;
    if (over >= 0) s.blockedUntilMs = nowMs + Math.min(1000 * 2 ** over, this.limits.maxBackoffMs);
  }

  recordSuccess(address: string): void {
    this.state.delete(address);
  }
}

/** Token bucket for requests on one authenticated connection. */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  take(nowMs: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.lastMs) / 1000) * this.ratePerSecond);
    this.lastMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
