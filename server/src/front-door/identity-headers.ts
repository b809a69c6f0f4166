// The identity the front door vouches for, as headers. The names are the ones Authelia uses (Remote-User,
// Remote-Groups), so apps that already read them work unchanged, plus pairgate's own. Whatever a client sent
// under these names is removed first: only pairgate may set them.
import type { IncomingHttpHeaders } from "node:http";
import type { SessionIdentity } from "../sessions/session-registry.js";

/** A header a client may not send through the front door. */
export function isIdentityHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith("remote-") || n.startsWith("x-pairgate-");
}

/**
 * Header values must be Latin-1 without control characters; a device name may hold any Unicode, so a name
 * outside printable ASCII is sent percent-encoded (UTF-8), as encodeURIComponent writes it.
 */
export function headerSafeName(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? name : encodeURIComponent(name);
}

export function identityHeaders(id: SessionIdentity): Record<string, string> {
  return {
    "Remote-User": headerSafeName(id.name),
    "Remote-Groups": id.role,
    "X-Pairgate-Device": id.deviceId,
    "X-Pairgate-Role": id.role,
  };
}

/** Removes every identity header a client sent; mutates and returns `headers`. */
export function stripIdentityHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  for (const name of Object.keys(headers)) if (isIdentityHeader(name)) delete headers[name];
  return headers;
}
