// Figures as the bench prints them: every number carries its unit and its sample count.

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const round = (x, digits = 3) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** Latency summary in ms: median, p90, p99, max (nearest-rank percentiles). */
export function latency(samplesMs, ps = [50, 90, 99]) {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const out = { unit: "ms", samples: sorted.length };
  for (const p of ps) out[p === 50 ? "median" : `p${p}`] = round(percentile(sorted, p));
  out.max = round(sorted.at(-1) ?? null);
  return out;
}

export function figure(value, unit, samples, extra = {}) {
  return { value: typeof value === "number" ? round(value) : value, unit, samples, ...extra };
}

export function median(xs) {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

/** Completed handshakes per second of one load accumulator. */
export const rateOf = (acc) => (acc.elapsedMs > 0 ? (acc.completed * 1000) / acc.elapsedMs : null);

/** The load generator's "concurrent" options for interleaved slices, from the run's config. */
export const interleavedSlices = (cfg) => ({
  concurrency: cfg.concurrency,
  sliceMs: cfg.sliceMs,
  slices: cfg.slices,
  warmupMs: cfg.warmupMs,
  warmEveryKey: true,
});

export const ratio = (a, b) => (a == null || b == null || b === 0 ? null : round(a / b));
export { round };
