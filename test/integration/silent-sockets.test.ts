// Issue 11 A: raw TCP connections that never send a complete request. Each one is closed 10 s after it connects
// (or after its last answer), one peer can hold at most `connectionsPerAddress` of them and everyone at most
// `connectionsTotal`, so 1,100 silent sockets from one address no longer exhaust a `ulimit -n 1024` gateway.
import { readdirSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CONNECTION_IDLE_MS } from "../../server/src/http/connection-guard.js";
import { spawnGateway, startGateway, type SpawnedGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { rawRequest } from "../support/raw-http.js";
import { eventually, type Harness } from "../support/sessions.js";

let gw: SpawnedGateway | null = null;
let h: Harness | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  if (gw && gw.child.exitCode === null) await gw.stop("SIGTERM");
  await h?.stop();
  gw = null;
  h = null;
});

/** Opens a TCP connection that sends nothing (or `bytes` once); resolves when connected, records when it closes. */
function silent(port: number, localAddress = "127.0.0.1", bytes?: string) {
  return new Promise<{ socket: Socket; closedAt: Promise<number> }>((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress });
    sockets.push(socket);
    const closedAt = new Promise<number>((r) => socket.once("close", () => r(Date.now())));
    socket.on("error", () => {}); // a refused one is reset: that is the point
    socket.once("connect", () => {
      if (bytes) socket.write(bytes);
      resolve({ socket, closedAt });
    });
    socket.once("close", () => resolve({ socket, closedAt })); // refused before "connect" fired
  });
}

const healthz = (port: number, localAddress: string) =>
  rawRequest(port, ["GET /healthz HTTP/1.1", "Host: 127.0.0.1", "Connection: close"], { localAddress, timeoutMs: 5000 });

describe("silent TCP connections", () => {
  it("1,100 silent sockets from one address leave a `ulimit -n 1024` gateway answering /healthz, and are all cut after 10 s", async () => {
    gw = await spawnGateway([], { maxOpenFiles: 1024 });
    const pid = gw.child.pid!;
    const startedAt = Date.now();
    const opened = [];
    for (let i = 0; i < 1100; i++) opened.push(await silent(gw.port));
    // Only this peer's cap (128) is held; the rest were closed at once instead of costing a file descriptor each.
    await eventually(() => sockets.filter((s) => !s.destroyed && !s.closed).length <= 128, "refused sockets are closed", 10_000);
    expect(readdirSync(`/proc/${pid}/fd`).length).toBeLessThan(128 + 64);
    expect((await healthz(gw.port, "127.0.0.2")).status).toBe(200);
    expect(gw.child.exitCode).toBeNull();
    const closedAt = await Promise.all(opened.map((o) => o.closedAt));
    const lastClose = Math.max(...closedAt);
    expect(lastClose - startedAt).toBeLessThan(CONNECTION_IDLE_MS + 15_000); // the deadline, plus a loaded CI box
    expect((await healthz(gw.port, "127.0.0.1")).status).toBe(200);
  });

  it("closes a header trickler and a silent socket within the 10 s deadline, not at Node's 30 s", async () => {
    h = await startGateway();
    const start = Date.now();
    const quiet = await silent(h.port);
    const trickler = await silent(h.port, "127.0.0.1", "GET /healthz HTTP/1.1\r\n");
    const drip = setInterval(() => trickler.socket.write("X-Drip: 1\r\n"), 1000);
    try {
      for (const t of [await quiet.closedAt, await trickler.closedAt]) {
        expect(t - start).toBeGreaterThanOrEqual(CONNECTION_IDLE_MS - 500);
        expect(t - start).toBeLessThan(CONNECTION_IDLE_MS + 8000);
      }
    } finally {
      clearInterval(drip);
    }
    await eventually(() => h!.gateway.connections.open === 0, "the server side saw both close");
  }, 30_000);

  it("caps raw connections in total across addresses, and a trusted proxy's address only by that total", async () => {
    h = await startGateway({ settings: { connectionsPerAddress: 3, connectionsTotal: 5, trustedProxies: ["127.0.0.9"] } });
    for (const a of ["127.0.0.2", "127.0.0.2", "127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"]) await silent(h.port, a);
    await eventually(() => h!.gateway.connections.open === 5 && h!.gateway.connections.refused === 1, "one over the per-address cap, then the total holds");
    const over = await silent(h.port, "127.0.0.4");
    await over.closedAt;
    expect(h.gateway.connections).toEqual({ open: 5, refused: 2 });
    for (const s of sockets.splice(0)) s.destroy();
    await eventually(() => h!.gateway.connections.open === 0, "closed sockets free their slots");
    // A trusted proxy carries many clients on one address: more than the per-address cap, still within the total.
    for (let i = 0; i < 5; i++) await silent(h.port, "127.0.0.9");
    await eventually(() => h!.gateway.connections.open === 5, "the proxy holds five");
    expect(h.gateway.connections.refused).toBe(2);
    expect((await healthz(h.port, "127.0.0.9")).status).toBe(0); // the total is full: refused even for the proxy
  });

  it("releases answered connections, and upgraded sockets leave the raw count for the WebSocket limits", async () => {
    h = await startGateway({ settings: { connectionsPerAddress: 2 } });
    for (let i = 0; i < 5; i++) expect((await healthz(h.port, "127.0.0.1")).status).toBe(200);
    await eventually(() => h!.gateway.connections.open === 0, "answered connections are released");
    const tabs = [];
    for (let i = 0; i < 4; i++) {
      const c = await connectClient(h.url, makeTestKey());
      await c.next("challenge");
      tabs.push(c);
    }
    expect(h.gateway.sockets.unauthenticated).toBe(4);
    expect(h.gateway.connections.open).toBe(0);
  });
});
