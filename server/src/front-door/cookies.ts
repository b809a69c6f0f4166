// The session cookie. On https it is `__Host-pairgate` (Secure, Path=/, no Domain: the browser pins it to this
// exact host); on plain http, where Secure cookies can't be set, `pairgate_session`. Both HttpOnly (no script
// reads it) and SameSite=Lax (sent on top-level navigations, not on cross-site subrequests).

export const SECURE_COOKIE = "__Host-pairgate";
export const PLAIN_COOKIE = "pairgate_session";
const NAMES = new Set([SECURE_COOKIE, PLAIN_COOKIE]);

/** The Set-Cookie value for a new session; `maxAgeMs` is the session's absolute lifetime. */
export function sessionCookie(token: string, opts: { secure: boolean; maxAgeMs: number }): string {
  const maxAge = `Max-Age=${Math.floor(opts.maxAgeMs / 1000)}`;
  return opts.secure
    ? `${SECURE_COOKIE}=${token}; Path=/; ${maxAge}; Secure; HttpOnly; SameSite=Lax`
    : `${PLAIN_COOKIE}=${token}; Path=/; ${maxAge}; HttpOnly; SameSite=Lax`;
}

/**
 * The session cookie's value from a Cookie header. `__Host-pairgate` always counts; `pairgate_session` only on a
 * request not known to be https, since on https a network attacker could have planted it over plain http.
 */
export function readSessionCookie(header: string | undefined, opts: { https: boolean }): string | null {
  // Runs on every request: a scan of the header's own string, no split arrays or pairs built.
  if (!header || !header.includes("pairgate")) return null;
  let plain: string | null = null;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    const eq = header.indexOf("=", start);
    if (eq !== -1 && eq < end) {
      const name = header.slice(start, eq).trim();
      if (name === SECURE_COOKIE) return header.slice(eq + 1, end).trim();
      if (name === PLAIN_COOKIE && !opts.https && plain === null) plain = header.slice(eq + 1, end).trim();
    }
    start = end + 1;
  }
  return plain;
}

/** The Cookie header without pairgate's cookies, for the upstream; undefined when nothing else is left. */
export function withoutSessionCookies(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const kept = header
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part && !NAMES.has(part.slice(0, part.indexOf("=") === -1 ? part.length : part.indexOf("=")).trim()));
  return kept.length ? kept.join("; ") : undefined;
}
