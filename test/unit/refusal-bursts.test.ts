// Refusal bursts (server/src/gateway/refusal-bursts.ts): an alert once per source and window, on an injected clock.
import { describe, expect, it } from "vitest";
import { RefusalBursts } from "../../server/src/gateway/refusal-bursts.js";

const T0 = 1_764_028_800_000;

describe("RefusalBursts", () => {
  it("answers the count exactly once, at the threshold, within one window", () => {
    const bursts = new RefusalBursts(3, 60_000);
    expect([1, 2, 3, 4, 5].map((i) => bursts.hit("203.0.113.9", T0 + i))).toEqual([null, null, 3, null, null]);
  });

  it("starts a new window a minute after the first refusal, and alerts again there", () => {
    const bursts = new RefusalBursts(2, 60_000);
    expect(bursts.hit("203.0.113.9", T0)).toBeNull();
    expect(bursts.hit("203.0.113.9", T0 + 59_999)).toBe(2);
    expect(bursts.hit("203.0.113.9", T0 + 60_000)).toBeNull();
    expect(bursts.hit("203.0.113.9", T0 + 60_001)).toBe(2);
  });

  it("does not alert for refusals spread wider than the window", () => {
    const bursts = new RefusalBursts(2, 60_000);
    expect([0, 60_000, 120_000, 180_000].map((t) => bursts.hit("203.0.113.9", T0 + t))).toEqual([null, null, null, null]);
  });

  it("counts each source on its own", () => {
    const bursts = new RefusalBursts(2, 60_000);
    expect(bursts.hit("203.0.113.9", T0)).toBeNull();
    expect(bursts.hit("198.51.100.7", T0)).toBeNull();
    expect(bursts.hit("198.51.100.7", T0 + 1)).toBe(2);
  });

  it("stays bounded when a flood comes from fresh addresses, and still alerts for a source that keeps going", () => {
    const bursts = new RefusalBursts(3, 60_000);
    for (let i = 0; i < 25_000; i++) bursts.hit(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, T0);
    expect((bursts as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(10_000);
    expect([1, 2, 3].map(() => bursts.hit("203.0.113.9", T0 + 1))).toEqual([null, null, 3]);
  });
});
