// Raw HTTP over node:net, for requests a WebSocket client won't send as-is (odd Host headers, broken upgrades)
// and for checking that a refused upgrade got an HTTP answer and never a 101.
import { connect } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  raw: string;
}

export function rawRequest(port: number, lines: string[], opts: { host?: string; localAddress?: string; timeoutMs?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: opts.host ?? "127.0.0.1", ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    let raw = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${opts.timeoutMs ?? 5000} ms: ${JSON.stringify(raw)}`));
    }, opts.timeoutMs ?? 5000);
    socket.setEncoding("latin1");
    socket.on("connect", () => socket.write(lines.join("\r\n") + "\r\n\r\n"));
    socket.on("data", (d: string) => {
      raw += d;
      // A 101 never ends by itself: answer as soon as the head is in.
      if (/^HTTP\/1\.1 101/.test(raw) && raw.includes("\r\n\r\n")) socket.destroy();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(parse(raw));
    });
  });
}

function parse(raw: string): RawResponse {
  const [head = "", ...rest] = raw.split("\r\n\r\n");
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of headerLines) {
    const i = l.indexOf(":");
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1] ?? 0), headers, body: rest.join("\r\n\r\n"), raw };
}

/** A well-formed WebSocket upgrade for /ws (or `path`) with the given extra header lines. */
export function upgradeLines(port: number, extra: string[] = [], path = "/ws", host = `127.0.0.1:${port}`): string[] {
  return [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Protocol: pairgate.v1",
    ...extra,
  ];
}
