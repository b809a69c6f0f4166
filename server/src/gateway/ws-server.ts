// The /ws upgrade (docs/design.md#http-and-trust): path, Host, Origin, client address, limits, then a Connection per
// socket. Refusals before the upgrade are plain HTTP (403, 429 with Retry-After); after it, coded error frames.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { classifyAddress, MAX_FRAME_BYTES, SUBPROTOCOL, WS_PATH } from "../../../shared/index.js";
import { writeRawResponse } from "../http/raw-response.js";
import { checkHost, checkOrigin, clientAddress, type TrustConfig } from "../http/trust.js";
import { limitKey } from "../net/limit-key.js";
import type { Connection, ConnectionInfo } from "./connection.js";
import { FailureBackoff, SlotCounter, type LimitsConfig } from "./limits.js";
import type { Refusal } from "./refusals.js";

export interface WsServerDeps {
  trust: TrustConfig;
  limits: LimitsConfig;
  now: () => number;
  createConnection: (socket: WebSocketAdapter, info: ConnectionInfo, hooks: ConnectionHooks) => Connection;
  onRefused: (r: Omit<Refusal, "atMs">) => void;
  /** The one upgrade path served (default /ws). */
  path?: string;
  /**
   * Upgrades on other paths: the standalone gateway owns the whole server and refuses them with 404; an app that
   * embeds pairgate may serve its own WebSockets (or a dev server's) on the same server, so they are left alone.
   */
  otherPaths?: "refuse" | "ignore";
}

export interface ConnectionHooks {
  /** The socket left the unauthenticated phase (paired, waiting in the hub's own pool, or closed). */
  releaseUnauth: () => void;
  recordFailure: () => void;
  recordSuccess: () => void;
}

export type WebSocketAdapter = { send(text: string): void; close(code: number, reason: string): void };

const HEARTBEAT_MS = 30_000;

export function attachWsServer(server: Server, deps: WsServerDeps) {
  const unauth = new SlotCounter(deps.limits.unauthPerAddress, deps.limits.unauthTotal);
  const backoff = new FailureBackoff(deps.limits);
  const sockets = new Map<WebSocket, Connection>();
  const alive = new WeakSet<WebSocket>();
  let closing = false;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  const path = deps.path ?? WS_PATH;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const isOurs = (req.url ?? "").split("?")[0] === path;
    if (!isOurs && deps.otherPaths === "ignore") return;
    socket.on("error", () => socket.destroy()); // a reset during the upgrade is the peer's problem, not ours
    const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
    const address = clientAddress(req.socket.remoteAddress ?? "", req.headers["x-forwarded-for"], deps.trust.trustedProxies);
    const key = limitKey(address);
    const refuse = (status: number, code: string, reason: string, retryAfterMs?: number) => {
      deps.onRefused({ stage: "upgrade", code, reason, address, origin: origin ?? null, host: req.headers.host ?? null });
      // The reason quotes the request's Host or Origin, hence the security headers writeRawResponse sends.
      writeRawResponse(socket, status, `pairgate: ${reason}\n`, retryAfterMs);
    };
    // Host first: an unknown Host gets 403 on every route, upgrade or not (DNS rebinding,
    // docs/design.md#http-and-trust).
    const hostRefusal = checkHost(req.headers.host, deps.trust.allowedHosts);
    if (hostRefusal) return refuse(403, "host_not_allowed", hostRefusal);
    if (!isOurs) return refuse(404, "not_found", `no WebSocket endpoint here; use ${path}`);
    if (closing) return refuse(503, "shutting_down", "the gateway is shutting down", 1000);
    const originRefusal = checkOrigin(origin, req.headers.host, deps.trust.allowedOrigins);
    if (originRefusal) return refuse(403, "origin_not_allowed", originRefusal);
    const waitMs = backoff.retryAfterMs(key, deps.now());
    if (waitMs > 0) return refuse(429, "rate_limited", "too many failed handshakes from this address", waitMs);
    if (!unauth.tryAcquire(key)) return refuse(429, "rate_limited", "too many unauthenticated connections", 1000);

    let released = false;
    const hooks: ConnectionHooks = {
      releaseUnauth: () => {
        if (!released) unauth.release(key);
        released = true;
      },
      recordFailure: () => backoff.recordFailure(key, deps.now()),
      recordSuccess: () => backoff.recordSuccess(key),
    };
    // ws may abort the upgrade itself (bad Sec-WebSocket-Key or version, a peer that resets mid-upgrade) and then
    // never calls back; without this the slot would leak and, 32 such requests later, lock the address out for good.
    socket.once("close", hooks.releaseUnauth);
    // The 101 response and the challenge leave in one write (ws writes them separately: a syscall, and on loopback
    // the peer's receive path, per handshake). ws calls back synchronously; if it aborts instead, its end() uncorks.
    socket.cork();
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.add(ws);
      const conn = deps.createConnection(
        adapt(ws),
        { seenFrom: { address, networkClass: classifyAddress(address) }, origin: origin ?? "", host: req.headers.host ?? null },
        hooks,
      );
      sockets.set(ws, conn);
      mapTransportErrors(ws, conn);
      ws.on("message", (data, isBinary) => {
        if (isBinary) conn.handleBadTransport("Binary frames are not accepted.");
        else conn.handleMessage(String(data));
      });
      ws.on("pong", () => alive.add(ws));
      ws.on("error", () => {}); // ws closes the socket itself after an error; the close handler below cleans up
      ws.on("close", () => {
        sockets.delete(ws);
        hooks.releaseUnauth();
        conn.handleClosed();
      });
      try {
        conn.start();
      } finally {
        socket.uncork();
      }
    });
  };
  server.on("upgrade", onUpgrade);

  // Dead peers (laptop lid closed, network gone) would otherwise count as online until TCP gives up.
  const heartbeat = setInterval(() => {
    for (const ws of sockets.keys()) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    get unauthenticated() {
      return unauth.open;
    },
    get sockets() {
      return sockets.size;
    },
    /** Every socket gets `error shutting_down` and close 1001; stragglers are cut after `graceMs`. */
    async shutdown(graceMs: number): Promise<void> {
      closing = true; // upgrades that arrive during the grace period get 503, not a socket that is about to close
      clearInterval(heartbeat);
      for (const conn of sockets.values()) conn.reject("shutting_down");
      const deadline = Date.now() + graceMs;
      while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
      server.off("upgrade", onUpgrade);
    },
  };
}

function adapt(ws: WebSocket): WebSocketAdapter {
  return {
    send: (text) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    close: (code, reason) => ws.close(code, reason),
  };
}

/**
 * ws closes by itself with 1009 (frame too big), 1007 (bad UTF-8) or 1002 (protocol error). The contract says every
 * unreadable frame is `bad_frame` 4400 (docs/design.md#details), so those closes are routed through the Connection.
 */
function mapTransportErrors(ws: WebSocket, conn: Connection): void {
  const close = ws.close.bind(ws);
  ws.close = ((code?: number, reason?: string | Buffer) => {
    if (code === 1009 || code === 1007 || code === 1002) {
      ws.close = close;
      const why = code === 1009 ? "Frame larger than 64 KiB." : code === 1007 ? "Text frame is not valid UTF-8." : "WebSocket protocol error.";
      conn.handleBadTransport(why);
      if (ws.readyState === WebSocket.OPEN) close(4400, "bad_frame");
      return;
    }
    close(code, reason);
  }) as typeof ws.close;
}
