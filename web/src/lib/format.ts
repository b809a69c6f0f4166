// Human formatting for times, durations and counts. Pure; callers pass `nowMs`.

export function formatCountdown(remainingMs: number): string {
  const totalSeconds = Math.max(0, Math.ceil(remainingMs / 1000));
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}:${String(seconds).padStart(2, "0")}`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

export function formatRelative(atMs: number, nowMs: number): string {
  const deltaMs = nowMs - atMs;
  if (Math.abs(deltaMs) < 45_000) return "just now";
  const text = formatDuration(Math.abs(deltaMs));
  return deltaMs > 0 ? `${text} ago` : `in ${text}`;
}

export function formatDateTime(atMs: number): string {
  return new Date(atMs).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** Like formatDateTime, shorter: for dense lists such as the audit log. */
export function formatShortDateTime(atMs: number): string {
  return new Date(atMs).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
