// Security headers for every response (docs/design.md#http-and-trust): no framing, no referrer, and no inline script
// except index.html's early start, allowed by its hash (static-files.ts).
import { createHash } from "node:crypto";

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join("; ");

export const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": CSP,
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** The gateway's CSP with inline `sources` allowed in `directive` by their SHA-256, never by 'unsafe-inline'. */
export function cspAllowingInline(directive: "script-src" | "style-src", sources: string[]): string {
  const hashes = sources.map((text) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`);
  return CSP.replace(`${directive} 'self'`, [`${directive} 'self'`, ...hashes].join(" "));
}
