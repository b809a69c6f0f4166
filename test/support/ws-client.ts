// A real `ws` client that speaks pairgate v1 the way the dashboard does, for integration tests and benches.
import WebSocket from "ws";
import {
  buildSignedBytes,
  encodeB64u,
  parseServerFrame,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  type ChallengeFrame,
  type HelloFrame,
  type ServerFrame,
} from "../../shared/index.js";
import type { TestKey } from "./test-key.js";

export interface Closed {
  code: number;
  reason: string;
}

export interface TestClient {
  ws: WebSocket;
  /** Every frame received, in order. */
  frames: ServerFrame[];
  /** Resolves with the next frame matching `type` (already-received unread ones first). */
  next<T extends ServerFrame["type"]>(type?: T, timeoutMs?: number): Promise<Extract<ServerFrame, { type: T }>>;
  closed: Promise<Closed>;
  sendRaw(data: string | Buffer, binary?: boolean): void;
  hello(overrides?: Partial<HelloFrame> & { origin?: string }): Promise<void>;
  call<T = unknown>(method: string, params?: unknown): Promise<{ ok: true; result: T } | { ok: false; error: { code: string; message: string } }>;
  close(): void;
}

export interface ConnectOptions {
  origin?: string;
  headers?: Record<string, string>;
  protocols?: string[];
  localAddress?: string;
  /** For wss://: the one root to trust and the name to check. */
  tls?: { ca: string; servername: string };
}

export function connectClient(url: string, key: TestKey, opts: ConnectOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, opts.protocols ?? [SUBPROTOCOL], {
    ...(opts.origin ? { origin: opts.origin } : {}),
    headers: opts.headers ?? {},
    ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    ...(opts.tls ?? {}),
  });
  const frames: ServerFrame[] = [];
  let cursor = 0;
  /** Responses that call() has returned. */
  const taken = new Set<ServerFrame>();
  const waiters: Array<() => void> = [];
  let challenge: ChallengeFrame | null = null;
  let reqId = 0;
  const closed = new Promise<Closed>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
  ws.on("message", (data) => {
    const parsed = parseServerFrame(String(data));
    if (!parsed.ok) throw new Error(`gateway sent an invalid frame: ${parsed.reason}: ${String(data).slice(0, 200)}`);
    frames.push(parsed.frame);
    if (parsed.frame.type === "challenge") challenge = parsed.frame;
    for (const w of waiters.splice(0)) w();
  });
  let closedWith = "";
  ws.on("close", (code, reason) => {
    closedWith = `${code} ${String(reason)}`.trim();
    for (const w of waiters.splice(0)) w();
  });
  ws.on("error", () => {});

  /** Resolves with what `find` returns once it is not undefined, re-checked as frames arrive. */
  async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (ws.readyState === WebSocket.CLOSED) {
        // Say why: the close code and the gateway's last error frame, if any, make a failure readable.
        const error = frames.findLast((f) => f.type === "error");
        const told = error && "code" in error ? `, after error ${String(error.code)}` : "";
        throw new Error(`socket closed (${closedWith || "no close frame"}${told}) while waiting for ${what}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  const client: TestClient = {
    ws,
    frames,
    closed,
    next(type, timeoutMs = 5000) {
      return waitFor<never>(
        () => {
          while (cursor < frames.length) {
            const f = frames[cursor++]!;
            if (taken.has(f)) continue;
            if (!type || f.type === type) return f as never;
          }
          return undefined;
        },
        type ?? "a frame",
        timeoutMs,
      );
    },
    sendRaw(data, binary = false) {
      ws.send(data, { binary });
    },
    async hello(overrides = {}) {
      const c = challenge ?? (await client.next("challenge"));
      const { origin = opts.origin ?? "", ...rest } = overrides;
      const signedAtMs = rest.signedAtMs ?? Date.now();
      const bytes = buildSignedBytes({ gatewayId: c.gatewayId, nonce: c.nonce, origin, publicKeyB64u: key.publicKeyB64u, signedAtMs });
      const hello: HelloFrame = {
        type: "hello",
        protocol: PROTOCOL_VERSION,
        publicKey: key.publicKeyB64u,
        signedAtMs,
        signature: encodeB64u(key.sign(bytes)),
        keyStorage: "webcrypto",
        client: { name: "Test browser", userAgent: "pairgate-test" },
        ...rest,
      };
      ws.send(JSON.stringify(hello));
    },
    call(method, params = {}) {
      const id = `r${++reqId}`;
      ws.send(JSON.stringify({ type: "req", id, method, params }));
      // Found by its id, not through next(): calls made at once must not take each other's responses.
      const own = () => {
        const res = frames.find((f) => f.type === "res" && f.id === id);
        if (res) taken.add(res); // next() skips it, as it did when calls read responses through next()
        return res as never;
      };
      return waitFor(own, `res ${id} (${method})`, 10_000);
    },
    close() {
      ws.close();
    },
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(client));
    ws.once("unexpected-response", (_req, res) =>
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode, headers: res.headers })),
    );
    ws.once("error", reject);
  });
}
