// The front door (docs/front-door.md): pairgate in front of an app it did not write. Three ways in, one check:
// - POST <prefix>/session trades a one-time ticket (asked for on the paired socket) for the session cookie;
// - GET <prefix>/auth answers another proxy's auth subrequest (nginx auth_request, Caddy forward_auth, Traefik);
// - with an upstream, every request outside the prefix, WebSocket upgrades included, is proxied only with a
//   valid session, carrying the identity headers pairgate sets and none a client sent.
// The check reads the in-memory session registry only: no disk I/O per request.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { safeRedirectPath } from "../../../shared/index.js";
import { SECURITY_HEADERS } from "../http/headers.js";
import { escapeHtml, PAGE_CSP, renderPage } from "../http/page-shell.js";
import { writeRawAnswer, writeRawResponse } from "../http/raw-response.js";
import { checkHost, checkOrigin, isTrustedProxy, type TrustConfig } from "../http/trust.js";
import type { SessionIdentity } from "../sessions/session-registry.js";
import type { SessionRefusal } from "../sessions/tickets.js";
import { ANSWERS, errorAnswer, firstValue, isNavigation, redirect, sendError, sendJson } from "./answers.js";
import { readSessionCookie, sessionCookie } from "./cookies.js";
import { identityHeaders } from "./identity-headers.js";
import { createUpstreamProxy, type UpstreamProxy } from "./upstream-proxy.js";

/** What the front door needs of a pairgate instance (createPairgate's `sessions`). */
export interface FrontDoorSessions {
  check(token: string): SessionIdentity | null;
  redeemTicket(ticket: string, origin: string): Promise<{ token: string } | { refused: SessionRefusal }>;
  onEnd(listener: (sessionId: string) => void): () => void;
  readonly maxAgeMs: number;
}

export interface FrontDoorOptions {
  /** Where pairgate's own pages live, e.g. "/_pairgate" (no trailing slash). */
  prefix: string;
  sessions: FrontDoorSessions;
  trust: TrustConfig;
  /** http://host:port of the app to proxy to; null for forward auth only. */
  upstream: string | null;
  onError: (err: unknown) => void;
}

const MAX_BODY_BYTES = 1024;
/** How long POST <prefix>/session may take to send its (tiny) body. */
export const BODY_DEADLINE_MS = 10_000;

export function createFrontDoor(opts: FrontDoorOptions) {
  const { prefix, sessions, trust } = opts;
  const proxy: UpstreamProxy | null = opts.upstream ? createUpstreamProxy(opts.upstream, opts.onError) : null;
  const unsubscribe = proxy ? sessions.onEnd((sessionId) => proxy.closeSession(sessionId)) : () => {};

  /** The request reached pairgate over https: its own TLS, or a trusted proxy's X-Forwarded-Proto. */
  const isHttps = (req: IncomingMessage): boolean =>
    Boolean((req.socket as { encrypted?: boolean }).encrypted) ||
    (isTrustedProxy(req.socket.remoteAddress ?? "", trust.trustedProxies) && firstValue(req.headers["x-forwarded-proto"])?.toLowerCase() === "https");

  const identify = (req: IncomingMessage): SessionIdentity | null => {
    const token = readSessionCookie(req.headers.cookie, { https: isHttps(req) });
    return token ? sessions.check(token) : null;
  };

  const loginUrl = (path: string | null) => `${prefix}/?rd=${encodeURIComponent(safeRedirectPath(path))}`;

  /** The answer to a forward-auth check: 200 with the identity headers, the redirect, or the coded 401. */
  const authAnswer = (req: IncomingMessage): { status: number; headers: Record<string, string>; body: string } => {
    const id = identify(req);
    if (id) return { status: 200, headers: identityHeaders(id), body: "" };
    const original = originalUri(req, trust);
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    // nginx's auth_request passes 401 and 403 on and turns anything else into 500, so an nginx subrequest
    // (X-Original-URL) gets the 401 with the pairing page's address in Location, rd already encoded (nginx has no
    // way to encode it), and nginx's error_page redirects there. Traefik and Caddy pass a 302 to the browser.
    if (original && isNavigation(req)) {
      if (!req.headers["x-original-url"]) return { status: 302, headers: { Location: loginUrl(original) }, body: "" };
      headers.Location = loginUrl(original);
    }
    const { status, body } = errorAnswer("session_required");
    return { status, headers, body };
  };

  return {
    /** POST <prefix>/session {"ticket": "…"} from the dashboard, same origin only → Set-Cookie. */
    async session(req: IncomingMessage, res: ServerResponse): Promise<void> {
      res.setHeader("Cache-Control", "no-store");
      const origin = typeof req.headers.origin === "string" ? req.headers.origin : "";
      if (!origin || !isSameOrigin(origin, req.headers.host)) return sendError(res, "origin_not_allowed");
      const body = await readJson(req);
      const ticket = body && typeof body === "object" && typeof (body as { ticket?: unknown }).ticket === "string" ? (body as { ticket: string }).ticket : null;
      if (!ticket) return sendError(res, "bad_request");
      const result = await sessions.redeemTicket(ticket, origin);
      if ("refused" in result) return sendError(res, result.refused);
      // The page's own scheme decides the cookie: an https page gets the __Host- cookie whatever is in front.
      res.setHeader("Set-Cookie", sessionCookie(result.token, { secure: origin.toLowerCase().startsWith("https:"), maxAgeMs: sessions.maxAgeMs }));
      sendJson(res, 200, { ok: true });
    },

    /** GET <prefix>/auth: another proxy asks whether the request it holds may pass. */
    auth(req: IncomingMessage, res: ServerResponse): void {
      const a = authAnswer(req);
      // A 200 is read by the proxy alone (it copies the identity headers and drops the rest), on every request: it
      // carries no page headers. A refusal may reach the browser as it is, so it gets them.
      const page = a.status === 200 ? {} : SECURITY_HEADERS;
      res.writeHead(a.status, { ...page, ...a.headers, "Cache-Control": "no-store", "Content-Length": Buffer.byteLength(a.body) });
      res.end(a.body);
    },

    /**
     * The same check when it comes as an upgrade: Caddy's forward_auth (and Traefik's) copy the request's headers,
     * so the check for a WebSocket to the app carries `Connection: upgrade` and `Upgrade: websocket`, and Node
     * hands it over as an upgrade, not a request. It gets the same answer; the connection closes after it.
     */
    authUpgrade(req: IncomingMessage, socket: Duplex): void {
      socket.on("error", () => socket.destroy());
      const hostRefusal = checkHost(req.headers.host, trust.allowedHosts);
      if (hostRefusal) return writeRawResponse(socket, 403, `pairgate: ${hostRefusal}\n`);
      const a = authAnswer(req);
      writeRawAnswer(socket, a.status, { ...a.headers, "Cache-Control": "no-store" }, req.method === "HEAD" ? "" : a.body);
    },

    /** Whether requests outside the prefix are the front door's (an upstream is set) or nobody's (forward auth). */
    proxies: proxy !== null,

    /** A request outside the prefix (only with an upstream): proxied with a valid session, else the login redirect or 401. */
    outside(req: IncomingMessage, res: ServerResponse): void {
      const id = identify(req);
      if (!id) return isNavigation(req) ? redirect(res, loginUrl(req.url ?? "/")) : sendError(res, "session_required");
      proxy!.web(req, res, id, () => (isNavigation(req) ? sendUpstreamDownPage(res) : sendError(res, "upstream_unavailable")));
    },

    /** A WebSocket upgrade outside the prefix: Host and Origin checked, then proxied with a valid session. */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      socket.on("error", () => socket.destroy());
      const hostRefusal = checkHost(req.headers.host, trust.allowedHosts);
      if (hostRefusal) return writeRawResponse(socket, 403, `pairgate: ${hostRefusal}\n`);
      const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
      const originRefusal = checkOrigin(origin, req.headers.host, trust.allowedOrigins);
      if (originRefusal) return writeRawResponse(socket, 403, `pairgate: ${originRefusal}\n`);
      const id = identify(req);
      if (!id || !proxy) return writeRawResponse(socket, 401, `pairgate: ${ANSWERS.session_required[1]}\n`);
      proxy.ws(req, socket, head, id);
    },

    /** Open proxied WebSockets (for tests and doctor). */
    get proxiedSockets(): number {
      return proxy?.openSockets ?? 0;
    },

    close(): void {
      unsubscribe();
      proxy?.close();
    },
  };
}

export type FrontDoor = ReturnType<typeof createFrontDoor>;

/**
 * The path of the request another proxy is asking about, only when that proxy is trusted: X-Original-URL
 * (nginx, as docs/front-door.md sets it) or X-Forwarded-Uri (Traefik, Caddy). null when unknown.
 */
export function originalUri(req: IncomingMessage, trust: TrustConfig): string | null {
  if (!isTrustedProxy(req.socket.remoteAddress ?? "", trust.trustedProxies)) return null;
  const url = firstValue(req.headers["x-original-url"]);
  if (url) {
    try {
      const u = new URL(url, "http://origin.invalid");
      return u.pathname + u.search;
    } catch {
      return null;
    }
  }
  return firstValue(req.headers["x-forwarded-uri"]) ?? null;
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  const o = origin.toLowerCase();
  const h = (host ?? "").toLowerCase();
  return h !== "" && (o === `http://${h}` || o === `https://${h}`);
}

/** The body as JSON, or null when it is missing, too big, not JSON, or not labelled JSON. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  // A body trickled in byte by byte must not hold the connection: Node's own request deadline is off when the
  // front door proxies (http-server.ts), so this one is ours.
  const deadline = setTimeout(() => req.destroy(), BODY_DEADLINE_MS);
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return null;
      chunks.push(chunk);
    }
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return null; // not JSON, or the body was cut off
  } finally {
    clearTimeout(deadline);
  }
}

function sendUpstreamDownPage(res: ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  const html = renderPage(
    "The app is not answering",
    `<p class="lead">${escapeHtml(ANSWERS.upstream_unavailable[1])} This browser is paired and allowed in; the app itself is down or still starting.</p>
<p>Try again in a moment. If it stays down, check the app, and the address pairgate forwards to (<code>--upstream</code>).</p>
<p class="actions"><a class="btn" href="">Try again</a></p>`,
  );
  res.writeHead(502, {
    ...SECURITY_HEADERS,
    "Content-Security-Policy": PAGE_CSP,
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
    "Cache-Control": "no-store",
  });
  res.end(html);
}
