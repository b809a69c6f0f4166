// The HTTP surface (docs/design.md#http-and-trust): the dashboard, /healthz, and refusal of unknown hosts on every
// route. WebSocket upgrades are handled by gateway/ws-server.ts on the same server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { FrontDoor } from "../front-door/front-door.js";
import { guardConnections, type ConnectionGuardOptions } from "./connection-guard.js";
import { SECURITY_HEADERS } from "./headers.js";
import { renderHostRefusedHtml } from "./host-refused-page.js";
import { PAGE_CSP } from "./page-shell.js";
import { writeRawResponse } from "./raw-response.js";
import { chooseRepresentation, matchesIfNoneMatch, type StaticFile } from "./static-files.js";
import { checkHost } from "./trust.js";
import { renderWhoamiHtml, WHOAMI_PATH, type WhoamiFacts } from "./whoami.js";

export interface HttpDeps {
  files: Map<string, StaticFile>;
  /** Where pairgate's own routes live ("/_pairgate"), or "" for the root. */
  prefix?: string;
  /** Session, forward-auth and proxy handlers (front-door/front-door.ts); absent without --prefix. */
  frontDoor?: FrontDoor;
  allowedHosts: string[];
  health: () => Record<string, unknown>;
  onError?: (err: unknown) => void;
  onRefused: (req: IncomingMessage, reason: string) => void;
  /** GET /whoami: what the gateway sees of this request (http/whoami.ts). */
  whoami?: (req: IncomingMessage) => WhoamiFacts;
  connections: ConnectionGuardOptions;
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>pairgate</title>
<p>The pairgate gateway is running, but its dashboard is not built. Run <code>npm run build</code>, or start with <code>npm start</code>.</p>`;

export function createHttpServer(deps: HttpDeps): { server: Server; connections: ReturnType<typeof guardConnections> } {
  const server = createServer((req, res) => {
    try {
      handle(req, res, deps);
    } catch (err) {
      deps.onError?.(err);
      // A handler bug must not take the gateway down; the client sees a plain 500.
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    }
  });
  // connection-guard.ts closes a connection with no complete request after 10 s; these are Node's own backstops.
  server.headersTimeout = 10_000;
  // Node's requestTimeout cuts any request whose body is still arriving after it: in front of an app that would
  // end a paired browser's large upload half way (a 408 at 30 to 60 s). Only a session's requests are proxied, and
  // the one body pairgate reads itself (POST <prefix>/session) has its own deadline (front-door.ts).
  server.requestTimeout = deps.frontDoor?.proxies ? 0 : 30_000;
  server.keepAliveTimeout = 5_000;
  server.on("clientError", answerClientError);
  return { server, connections: guardConnections(server, deps.connections) };
}

/** Requests Node's parser refuses get the same security headers as every other answer (Node's own have none). */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === "ECONNRESET") return void socket.destroy();
  const [status, reason] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "request headers too large"]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "request not completed in time"]
        : [400, "malformed request"];
  writeRawResponse(socket, status, `pairgate: ${reason}\n`);
}

function handle(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): void {
  const hostRefusal = checkHost(req.headers.host, deps.allowedHosts);
  if (hostRefusal) {
    deps.onRefused(req, hostRefusal);
    if (wantsHtml(req)) return send(res, 403, "text/html; charset=utf-8", renderHostRefusedHtml(req.headers.host, hostRefusal), undefined, PAGE_CSP);
    return send(res, 403, "text/plain; charset=utf-8", `pairgate: ${hostRefusal}\n`);
  }
  const fullPath = (req.url ?? "/").split("?")[0]!;
  // Unprefixed /healthz stays, so health checks need no change when a prefix is added.
  if (fullPath === "/healthz") return sendHealth(res, deps);
  const prefix = deps.prefix ?? "";
  if (prefix && fullPath === prefix) return redirectTo(res, `${prefix}/${(req.url ?? "").slice(fullPath.length)}`);
  const path = prefix ? (fullPath.startsWith(`${prefix}/`) ? fullPath.slice(prefix.length) : null) : fullPath;
  const door = deps.frontDoor;
  if (path === null) {
    if (door?.proxies) return door.outside(req, res);
    return send(res, 404, "text/plain; charset=utf-8", "not found\n");
  }
  if (door && path === "/session" && req.method === "POST") {
    void door.session(req, res).catch((err: unknown) => {
      deps.onError?.(err);
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
    });
    return;
  }
  if (door && path === "/auth" && (req.method === "GET" || req.method === "HEAD")) return door.auth(req, res);
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
  }
  if (path === "/healthz") return sendHealth(res, deps);
  if (path === WHOAMI_PATH && deps.whoami) {
    const facts = deps.whoami(req);
    res.setHeader("Cache-Control", "no-store");
    if (wantsHtml(req)) return send(res, 200, "text/html; charset=utf-8", renderWhoamiHtml(facts), undefined, PAGE_CSP);
    return send(res, 200, "application/json", JSON.stringify(facts) + "\n");
  }
  if (path === "/ws") return send(res, 426, "text/plain; charset=utf-8", "pairgate: /ws needs a WebSocket upgrade\n");
  const file = deps.files.get(path);
  if (file) return sendFile(req, res, file);
  if (path === "/" || path === "/index.html") return send(res, 503, "text/html; charset=utf-8", NOT_BUILT);
  return send(res, 404, "text/plain; charset=utf-8", "not found\n");
}

function sendHealth(res: ServerResponse, deps: HttpDeps): void {
  res.setHeader("Cache-Control", "no-store");
  send(res, 200, "application/json", JSON.stringify(deps.health()) + "\n");
}

function redirectTo(res: ServerResponse, location: string): void {
  res.writeHead(302, { ...SECURITY_HEADERS, Location: location, "Content-Length": 0 });
  res.end();
}

/** A browser following a link (Accept: text/html) gets a page; scripts and curl get the plain answer. */
function wantsHtml(req: IncomingMessage): boolean {
  return /\btext\/html\b/.test(req.headers.accept ?? "");
}

/** `csp` replaces the default only for pages with an inline stylesheet or script, each allowed by its hash. */
function securityHeaders(csp: string | undefined): Record<string, string> {
  return csp ? { ...SECURITY_HEADERS, "Content-Security-Policy": csp } : SECURITY_HEADERS;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, length?: number, csp?: string): void {
  res.writeHead(status, {
    ...securityHeaders(csp),
    "Content-Type": type,
    "Content-Length": length ?? Buffer.byteLength(body),
  });
  res.end(body);
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: StaticFile): void {
  const { coding, rep } = chooseRepresentation(file, req.headers["accept-encoding"]);
  res.setHeader("Cache-Control", file.cacheControl);
  res.setHeader("ETag", rep.etag);
  // Caches and proxies must key on Accept-Encoding whenever the answer depends on it.
  if (Object.keys(file.encoded).length > 0) res.setHeader("Vary", "Accept-Encoding");
  if (matchesIfNoneMatch(req.headers["if-none-match"], rep.etag)) {
    // A 304's headers update the cached page's, so it carries the same CSP as the 200 did.
    res.writeHead(304, securityHeaders(file.csp));
    return void res.end();
  }
  if (coding) res.setHeader("Content-Encoding", coding);
  send(res, 200, file.type, req.method === "HEAD" ? "" : rep.body, rep.body.length, file.csp);
}
