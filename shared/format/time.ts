// One time format for the dashboard and the CLI: an absolute local time ("2026-12-04 15:39") and a relative one
// ("5 min ago"). Pure; callers pass `nowMs`, so output is testable and the same on both sides.

const pad = (n: number) => String(n).padStart(2, "0");

/** Local wall-clock time, minutes precision by default: "2026-12-04 15:39" (or "2026-12-04 15:39:07"). */
export function formatTime(atMs: number, opts: { seconds?: boolean } = {}): string {
  const d = new Date(atMs);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${opts.seconds ? `:${pad(d.getSeconds())}` : ""}`;
  return `${date} ${time}`;
}

/** A length of time, coarsest useful unit: "45 s", "5 min", "3 h 20 min", "2 days". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return `${days} days`;
}

/** "just now" within 45 s either way, else "5 min ago" or "in 5 min". */
export function formatRelativeTime(atMs: number, nowMs: number): string {
  const deltaMs = nowMs - atMs;
  if (Math.abs(deltaMs) < 45_000) return "just now";
  const text = formatDuration(Math.abs(deltaMs));
  return deltaMs > 0 ? `${text} ago` : `in ${text}`;
}

/** Both at once, for a list cell: "2026-12-04 15:39 (5 min ago)". */
export function formatWhen(atMs: number, nowMs: number): string {
  return `${formatTime(atMs)} (${formatRelativeTime(atMs, nowMs)})`;
}
