// A complete HTTP/1.1 answer written straight to a socket that has no ServerResponse: refused upgrades, and
// requests Node's parser rejects (431, 400, 408). Same security headers as every page: never sniffed, never framed.
import type { Duplex } from "node:stream";
import { SECURITY_HEADERS } from "./headers.js";

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  302: "Found",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** Writes the answer and closes; `body` is one line for people, e.g. "pairgate: <reason>\n". */
export function writeRawResponse(socket: Duplex, status: number, body: string, retryAfterMs?: number): void {
  const headers: Record<string, string | number> = { "Content-Type": "text/plain; charset=utf-8" };
  if (retryAfterMs !== undefined) headers["Retry-After"] = Math.max(1, Math.ceil(retryAfterMs / 1000));
  writeRawAnswer(socket, status, headers, body);
}

/** Any answer with its own headers (plus the security headers), written whole, then the socket is closed. */
export function writeRawAnswer(socket: Duplex, status: number, headers: Record<string, string | number>, body: string): void {
  if (socket.destroyed || !socket.writable) return void socket.destroy();
  const lines = Object.entries({ ...headers, "Content-Length": Buffer.byteLength(body), ...SECURITY_HEADERS, Connection: "close" }).map(
    ([k, v]) => `${k}: ${v}\r\n`,
  );
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n${lines.join("")}\r\n${body}`);
}
