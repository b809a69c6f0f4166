// requireDevice(): the front door's check for an app that embeds pairgate (docs/embedding.md). A node:http or
// Express-style middleware: with a valid device session cookie (and at least `role`) it sets `req.pairgate` and
// calls next(); otherwise it answers 401 (no session), 403 (role too low), or redirects a page navigation to
// the app's pairing page when `loginPath` is given. In memory only, like the built-in proxy's check.
import type { IncomingMessage, ServerResponse } from "node:http";
import { safeRedirectPath, type Role } from "../../../shared/index.js";
import type { SessionIdentity } from "../sessions/session-registry.js";
import { readSessionCookie } from "./cookies.js";
import { isNavigation, redirect, sendError } from "./answers.js";

export interface RequireDeviceOptions {
  /** The pairgate instance (createPairgate's result), or anything with its `sessions.check`. */
  pairgate: { sessions: { check(token: string): SessionIdentity | null } };
  /** The least role let through (default "viewer": any paired device). */
  role?: Role;
  /** Where the app's pairing page is, e.g. "/pair": page navigations without a session go there with `?rd=`. */
  loginPath?: string;
}

export interface PairgateRequestInfo {
  device: { id: string; name: string };
  role: Role;
  sessionId: string;
}

declare module "node:http" {
  interface IncomingMessage {
    /** Set by requireDevice() for a request with a valid device session. */
    pairgate?: PairgateRequestInfo;
  }
}

const RANK: Record<Role, number> = { viewer: 0, admin: 1 };

export function requireDevice(opts: RequireDeviceOptions) {
  const least = opts.role ?? "viewer";
  return function pairgateRequireDevice(req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void {
    // Only TLS this process terminates counts as https here; behind a TLS proxy the __Host- cookie is read anyway.
    const https = Boolean((req.socket as { encrypted?: boolean }).encrypted);
    const token = readSessionCookie(req.headers.cookie, { https });
    const id = token ? opts.pairgate.sessions.check(token) : null;
    if (!id) {
      if (opts.loginPath && isNavigation(req)) {
        return redirect(res, `${opts.loginPath}?rd=${encodeURIComponent(safeRedirectPath(req.url))}`);
      }
      return sendError(res, "session_required");
    }
    if (RANK[id.role] < RANK[least]) return sendError(res, "role_too_low");
    req.pairgate = { device: { id: id.deviceId, name: id.name }, role: id.role, sessionId: id.sessionId };
    next();
  };
}
