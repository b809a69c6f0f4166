// Request bodies that take their time, in front of an app. A paired browser's upload may run for minutes and must
// reach the app whole: Node's requestTimeout (30 s, checked every 30 s) used to answer 408 half way. A body nobody
// is entitled to send still can't hold a connection: without a session the answer comes at once and the idle guard
// closes the socket, and pairgate's own POST <prefix>/session body has its own deadline.
import { createServer, request, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BODY_DEADLINE_MS } from "../../server/src/front-door/front-door.js";
import { CONNECTION_IDLE_MS } from "../../server/src/http/connection-guard.js";
import { postSession } from "../support/deploy/front-door-session.js";
import { startGateway } from "../support/gateway-harness.js";
import { pairDevice, type Harness } from "../support/sessions.js";

// Longer than Node's requestTimeout (30 s) plus one of its 30 s checking rounds, so the old deadline always fired.
const UPLOAD_MS = 65_000;
const CHUNKS = 14;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

let h: Harness;
let app: Server;
let cookie: string;

/** The app: counts the body it received and answers with the count. */
function startApp(): Promise<Server> {
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on("data", (c: Buffer) => (bytes += c.length));
    req.on("end", () => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ bytes })));
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

beforeAll(async () => {
  app = await startApp();
  h = await startGateway({ settings: { upstream: `http://127.0.0.1:${(app.address() as AddressInfo).port}` } });
  const origin = h.httpUrl;
  const { client } = await pairDevice({ ...h, url: `ws://127.0.0.1:${h.port}/_pairgate/ws` }, { connect: { origin }, hello: { origin } });
  const ticket = await client.call<{ ticket: string }>("session.ticket", {});
  if (!ticket.ok) throw new Error(ticket.error.code);
  const answer = await postSession({ base: origin, origin, stateDir: h.stateDir }, ticket.result.ticket);
  expect(answer.status, answer.body).toBe(200);
  cookie = String([answer.headers["set-cookie"]].flat()[0]).split(";")[0]!;
  client.close();
});
afterAll(async () => {
  await h?.stop();
  await new Promise((r) => app?.close(r));
});

/** Opens a request that announces `length` bytes and sends one byte a second; resolves when the gateway hangs up. */
function trickle(head: string, length: number): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(h.port, "127.0.0.1");
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (c: string) => (text += c));
    socket.on("error", () => {}); // a reset is one way of hanging up
    const drip = setInterval(() => socket.write("{"), 1000);
    socket.on("close", () => {
      clearInterval(drip);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    socket.write(`${head}Content-Length: ${length}\r\n\r\n`);
    // Bounded: a gateway that never hangs up fails the test at 40 s instead of dripping for ever.
    setTimeout(() => socket.destroy(), 40_000).unref();
  });
}

describe.concurrent("front door: slow request bodies", { timeout: 90_000 }, () => {
  it("a paired browser's upload that outlasts Node's request deadline reaches the app whole", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: h.port, path: "/upload", method: "POST", headers: { Cookie: cookie, "Content-Length": CHUNK.length * CHUNKS } },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      let sent = 0;
      const next = () => {
        req.write(CHUNK);
        if (++sent === CHUNKS) req.end();
        else setTimeout(next, UPLOAD_MS / (CHUNKS - 1));
      };
      next();
    });
    expect(answer.status, answer.body).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ bytes: CHUNK.length * CHUNKS });
  });

  it("a trickled body without a session gets its 401 at once and the connection closes at the idle deadline", async () => {
    const { text, closedAfterMs } = await trickle(`POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nAccept: application/json\r\n`, 100_000);
    expect(text).toMatch(/^HTTP\/1\.1 401 /);
    expect(closedAfterMs).toBeGreaterThanOrEqual(CONNECTION_IDLE_MS - 500);
    expect(closedAfterMs).toBeLessThan(CONNECTION_IDLE_MS + 10_000);
  });

  it("a trickled POST /_pairgate/session body is cut at its own deadline", async () => {
    const { text, closedAfterMs } = await trickle(
      `POST /_pairgate/session HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nOrigin: ${h.httpUrl}\r\nContent-Type: application/json\r\n`,
      1000,
    );
    expect(text).not.toMatch(/set-cookie/i);
    expect(closedAfterMs).toBeGreaterThanOrEqual(BODY_DEADLINE_MS - 500);
    expect(closedAfterMs).toBeLessThan(BODY_DEADLINE_MS + 10_000);
  });
});
