// The minimal socket surface the gateway client needs, so its state machine runs against a fake in tests.
// openBrowserSocket is the one place the dashboard constructs a WebSocket.
import type { SocketLike } from "../../../shared/protocol/socket.js";
import { SUBPROTOCOL, WS_PATH } from "../../../shared/protocol/version.js";

export interface SocketHandlers {
  onMessage(text: string): void;
  onClose(code: number, reason: string): void;
}

export type { SocketLike };

export type OpenSocket = (url: string, handlers: SocketHandlers) => SocketLike;

export const openBrowserSocket: OpenSocket = (url, handlers) => {
  let ws: WebSocket;
  try {
    ws = new WebSocket(url, SUBPROTOCOL);
  } catch (error) {
    // A malformed URL throws synchronously; report it like any failed connect (1006), one tick later.
    console.error("pairgate: could not open the gateway socket", error);
    setTimeout(() => handlers.onClose(1006, "could not open socket"), 0);
    return { send() {}, close() {} };
  }
  ws.addEventListener("message", (event) => {
    // The protocol is JSON text only; a binary frame can't parse and is reported as unreadable.
    handlers.onMessage(typeof event.data === "string" ? event.data : "");
  });
  ws.addEventListener("close", (event) => handlers.onClose(event.code, event.reason));
  return {
    send: (text) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    close: (code = 1000, reason = "") => ws.close(code, reason),
  };
};

export function gatewaySocketUrl(location: Pick<Location, "protocol" | "host">, path: string = WS_PATH): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
}
