// Printing for people (aligned text) or machines (--json), in one place.

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

export function printTable(headers: string[], rows: string[][]): void {
  if (rows.length === 0) return;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  process.stdout.write([line(headers), ...rows.map(line)].join("\n") + "\n");
}

export function formatTime(ms: number | null | undefined): string {
  if (ms == null) return "never";
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19) + "Z";
}

export function formatAgo(ms: number | null | undefined, nowMs = Date.now()): string {
  if (ms == null) return "never";
  const s = Math.round((nowMs - ms) / 1000);
  if (s < 0) return `in ${formatDuration(-s * 1000)}`;
  if (s < 5) return "just now";
  return `${formatDuration(s * 1000)} ago`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ""}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** "15m", "2h", "90s", "1d" or plain ms → ms. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? "ms") as "ms"];
  return n * unit;
}
