// The built-in proxy to the upstream app, on http-proxy-3. Before a request leaves, the pairgate cookie and any
// identity header the client sent are removed and the session's identity headers are set; the app's own cookies
// pass untouched. Proxied WebSockets are kept by session, so that the end of a session (revoke above all)
// closes them at once.
import { Agent, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { createProxyServer } from "http-proxy-3";
import type { SessionIdentity } from "../sessions/session-registry.js";
import { withoutSessionCookies } from "./cookies.js";
import { identityHeaders, stripIdentityHeaders } from "./identity-headers.js";

export interface UpstreamProxy {
  web(req: IncomingMessage, res: ServerResponse, id: SessionIdentity, onDown: () => void): void;
  ws(req: IncomingMessage, socket: Duplex, head: Buffer, id: SessionIdentity): void;
  closeSession(sessionId: string): void;
  readonly openSockets: number;
  close(): void;
}

/** What goes upstream: the client's headers minus pairgate's cookie and identity headers, plus the session's. */
export function upstreamHeaders(req: IncomingMessage, id: SessionIdentity): void {
  stripIdentityHeaders(req.headers);
  const cookie = withoutSessionCookies(req.headers.cookie);
  if (cookie === undefined) delete req.headers.cookie;
  else req.headers.cookie = cookie;
  for (const [name, value] of Object.entries(identityHeaders(id))) req.headers[name.toLowerCase()] = value;
}

export function createUpstreamProxy(target: string, onError: (err: unknown) => void): UpstreamProxy {
  // Keep-alive to the app: without it every request opened a new upstream connection and the bench measured a
  // median of ~250 ms per proxied request on loopback (test/bench/suites/front-door.js), against < 1 ms with it.
  const agent = new Agent({ keepAlive: true });
  const proxy = createProxyServer({ target, ws: true, xfwd: true, agent });
  // Errors come to each call's callback; this listener only keeps a stray one from being an uncaught "error".
  proxy.on("error", (err) => onError(err));
  const bySession = new Map<string, Set<Duplex>>();
  let open = 0;

  return {
    web(req, res, id, onDown) {
      upstreamHeaders(req, id);
      proxy.web(req, res, {}, () => onDown());
    },

    ws(req, socket, head, id) {
      upstreamHeaders(req, id);
      let set = bySession.get(id.sessionId);
      if (!set) bySession.set(id.sessionId, (set = new Set()));
      set.add(socket);
      open++;
      socket.once("close", () => {
        open--;
        set.delete(socket);
        if (set.size === 0 && bySession.get(id.sessionId) === set) bySession.delete(id.sessionId);
      });
      proxy.ws(req, socket, head, {}, () => socket.destroy());
    },

    closeSession(sessionId) {
      for (const socket of bySession.get(sessionId) ?? []) socket.destroy();
      bySession.delete(sessionId);
    },

    get openSockets() {
      return open;
    },

    close() {
      for (const set of bySession.values()) for (const socket of set) socket.destroy();
      bySession.clear();
      agent.destroy();
      proxy.close();
    },
  };
}
