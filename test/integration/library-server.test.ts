// pairgate/server as an app uses it: createPairgate on the app's own node:http or Express server, app methods
// guarded by role on the server, coded errors, published events, operator calls, revoke and close.
// Real sockets on loopback; the memory store (the SQLite store has its own contract tests).
import express from "express";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { z } from "zod";
import { createPairgate, defineMethod, memoryStore, PairgateError, type MethodMap, type Pairgate } from "../../server/src/index.js";
import type { TestKey } from "../support/test-key.js";
import { connectClient, type TestClient } from "../support/ws-client.js";
import { requestPairing, waitForFrame } from "../support/sessions.js";

const notes: string[] = [];
let started: { abortedBy: string | null } = { abortedBy: null };
const methods = {
  "notes.list": defineMethod({ role: "viewer", params: z.object({}), handler: () => ({ notes: [...notes] }) }),
  "notes.add": defineMethod({
    role: "admin",
    params: z.object({ text: z.string().min(1).max(200), tags: z.array(z.string().max(8)).optional() }),
    handler: ({ text }) => {
      notes.push(text);
      return { count: notes.length };
    },
  }),
  "whoami.here": defineMethod({
    role: "viewer",
    params: z.object({}),
    handler: (_p, { device, role, seenFrom }) => ({ id: device.id, name: device.name, fingerprint: device.fingerprint, role, address: seenFrom.address }),
  }),
  "boom.secret": defineMethod({
    role: "viewer",
    params: z.object({}),
    handler: () => {
      throw new Error("db password is hunter2");
    },
  }),
  "boom.coded": defineMethod({
    role: "viewer",
    params: z.object({}),
    handler: () => {
      throw new PairgateError("conflict", "That note was changed meanwhile.");
    },
  }),
  "slow.wait": defineMethod({
    role: "viewer",
    params: z.object({}),
    handler: (_p, { signal }) =>
      new Promise((resolve) => {
        signal.addEventListener("abort", () => {
          started.abortedBy = "socket closed";
          resolve({});
        });
      }),
  }),
} satisfies MethodMap;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  notes.length = 0;
  started = { abortedBy: null };
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  server.closeAllConnections?.();
  return (server.address() as AddressInfo).port;
}

async function embedded(server: Server, path = "/pg") {
  const pg = await createPairgate({ store: memoryStore(), name: "notes", methods, log: silentLog() });
  pg.attach(server, { path });
  cleanups.push(() => pg.close({ graceMs: 100 }));
  const port = await listen(server);
  return { pg, port, url: `ws://127.0.0.1:${port}${path}` };
}

async function pair(pg: Pairgate, url: string, role: "admin" | "viewer"): Promise<{ client: TestClient; deviceId: string; key: TestKey }> {
  const { client, pairing, key } = await requestPairing(url);
  await pg.devices.approve({ code: pairing.request.code, role });
  await client.next("welcome");
  cleanups.push(() => client.close());
  return { client, deviceId: key.deviceId, key };
}

function silentLog() {
  const lines: string[] = [];
  const log = {
    debug: () => {},
    info: () => {},
    warn: (m: string) => void lines.push(m),
    error: (m: string, f?: Record<string, unknown>) => void lines.push(`${m} ${JSON.stringify(f)}`),
  };
  return Object.assign(log, { lines });
}

describe("createPairgate: method map checks", () => {
  const handler = () => ({});
  for (const name of ["gateway.status", "devices.list", "devices.mine", "invites.x", "audit.list", "pairing.requested", "device.revoked"]) {
    it(`refuses the reserved name ${name}, naming it`, async () => {
      await expect(createPairgate({ store: memoryStore(), methods: { [name]: { role: "viewer", params: z.object({}), handler } } })).rejects.toThrow(
        new RegExp(`method "${name.replace(".", "\\.")}" uses a reserved name`),
      );
    });
  }

  it("refuses a method registered twice across maps, naming it", async () => {
    const a = { "notes.add": methods["notes.add"] };
    const b = { "notes.add": methods["notes.add"], "notes.x": methods["notes.list"] };
    await expect(createPairgate({ store: memoryStore(), methods: [a, b] })).rejects.toThrow('method "notes.add" is registered twice');
  });

  it("refuses an unknown role and a params value that is not a zod schema, naming the method", async () => {
    await expect(createPairgate({ store: memoryStore(), methods: { "a.b": { role: "owner" as "admin", params: z.object({}), handler } } })).rejects.toThrow(
      'method "a.b" has role "owner"',
    );
    await expect(createPairgate({ store: memoryStore(), methods: { "a.c": { role: "viewer", params: {} as z.ZodObject, handler } } })).rejects.toThrow(
      'method "a.c" needs a zod schema',
    );
  });
});

describe("createPairgate on plain node:http", () => {
  it("pairs through the operator API and runs app methods with the role checked on the server", async () => {
    const { pg, url } = await embedded(createServer());
    const admin = await pair(pg, url, "admin");
    const viewer = await pair(pg, url, "viewer");

    expect(await viewer.client.call("notes.list")).toEqual({ type: "res", id: expect.any(String), ok: true, result: { notes: [] } });
    expect(await viewer.client.call("notes.add", { text: "from a viewer" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await admin.client.call("notes.add", { text: "hello" })).toMatchObject({ ok: true, result: { count: 1 } });
    expect(notes).toEqual(["hello"]);

    const me = await viewer.client.call<{ id: string; role: string; address: string; fingerprint: string }>("whoami.here");
    expect(me).toMatchObject({ ok: true, result: { id: viewer.deviceId, role: "viewer", address: "127.0.0.1" } });
    if (!me.ok) throw new Error("unreachable");
    expect(me.result.fingerprint).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  });

  it("answers not_found, invalid_params with the failing path, internal without the message, and a PairgateError's code", async () => {
    const log = silentLog();
    const pg = await createPairgate({ store: memoryStore(), methods, log });
    const server = createServer();
    pg.attach(server, { path: "/pg" });
    cleanups.push(() => pg.close({ graceMs: 100 }));
    const url = `ws://127.0.0.1:${await listen(server)}/pg`;
    const admin = await pair(pg, url, "admin");

    expect(await admin.client.call("notes.nope", {})).toMatchObject({ ok: false, error: { code: "not_found" } });
    const bad = await admin.client.call("notes.add", { text: "ok", tags: ["fine", "far too long"] });
    expect(bad).toMatchObject({ ok: false, error: { code: "invalid_params", path: ["tags", 1] } });
    if (bad.ok) throw new Error("unreachable");
    expect(bad.error.message).toMatch(/^tags\.1: /);
    expect(await admin.client.call("notes.add", {})).toMatchObject({ ok: false, error: { code: "invalid_params", path: ["text"] } });

    const raw = JSON.stringify(await admin.client.call("boom.secret"));
    expect(raw).toContain('"code":"internal"');
    expect(raw).not.toContain("hunter2");
    expect(raw).not.toMatch(/at .*\.ts:\d+/);
    expect(log.lines.join("\n")).toContain("hunter2"); // the operator still sees it in the log

    expect(await admin.client.call("boom.coded")).toMatchObject({ ok: false, error: { code: "conflict", message: "That note was changed meanwhile." } });
    // The socket survives all of these.
    expect(await admin.client.call("notes.list")).toMatchObject({ ok: true });
  });

  it("publishes app events to everyone, to a minimum role, or to one device, and refuses reserved names", async () => {
    const { pg, url } = await embedded(createServer());
    const admin = await pair(pg, url, "admin");
    const viewer = await pair(pg, url, "viewer");
    const isNote = (f: { type: string; event?: string }) => f.type === "event" && f.event === "notes.changed";

    expect(pg.publish("notes.changed", { n: 1 })).toBe(2);
    for (const c of [admin.client, viewer.client]) expect(await waitForFrame(c, isNote)).toMatchObject({ data: { n: 1 } });

    const before = viewer.client.frames.length;
    expect(pg.publish("notes.changed", { n: 2 }, { to: { role: "admin" } })).toBe(1);
    expect(await waitForFrame(admin.client, (f) => isNote(f) && (f as { data: { n: number } }).data.n === 2)).toBeTruthy();
    expect(pg.publish("notes.changed", { n: 3 }, { to: { deviceId: viewer.deviceId } })).toBe(1);
    await waitForFrame(viewer.client, (f) => isNote(f) && (f as { data: { n: number } }).data.n === 3);
    expect(
      viewer.client.frames
        .slice(before)
        .filter(isNote)
        .map((f) => (f as { data: { n: number } }).data.n),
    ).toEqual([3]);

    expect(() => pg.publish("devices.changed", {})).toThrow('event "devices.changed" uses a reserved name');
    expect(() => pg.publish("device.revoked", {})).toThrow(/reserved/);
  });

  it("revoke closes the socket at once, aborts a running handler, and the key gets no more method access", async () => {
    const { pg, url } = await embedded(createServer());
    const revoked: string[] = [];
    pg.on("device.revoked", (e) => revoked.push(e.device.id));
    const viewer = await pair(pg, url, "viewer");
    viewer.client.sendRaw(JSON.stringify({ type: "req", id: "slow", method: "slow.wait", params: {} }));
    await new Promise((r) => setTimeout(r, 50));

    const result = await pg.devices.revoke(viewer.deviceId);
    expect(result.closedConnections).toBe(1);
    expect((await viewer.client.closed).code).toBe(4410);
    expect(started.abortedBy).toBe("socket closed");
    await expect.poll(() => revoked).toEqual([viewer.deviceId]);

    // The same key reconnects: refused at the handshake, so it never reaches a method again.
    const again = await connectClient(url, viewer.key);
    await again.hello();
    expect(await again.next("error")).toMatchObject({ code: "device_revoked" });
    expect((await again.closed).code).toBe(4410);
  });

  it("leaves upgrades on other paths to their own listeners, and close() ends paired sockets with 1001", async () => {
    const server = createServer();
    const other = new WebSocketServer({ noServer: true });
    server.on("upgrade", (req, socket, head) => {
      if (req.url === "/app-ws") other.handleUpgrade(req, socket, head, (ws) => ws.send("app socket"));
    });
    const { pg, url, port } = await embedded(server);
    const admin = await pair(pg, url, "admin");
    const { default: WebSocket } = await import("ws");
    const appWs = new WebSocket(`ws://127.0.0.1:${port}/app-ws`);
    expect(String(await new Promise((r) => appWs.once("message", r)))).toBe("app socket");
    appWs.close();
    other.close();

    await pg.close({ graceMs: 200 });
    expect((await admin.client.closed).code).toBe(1001);
  });
});

describe("createPairgate beside Express", () => {
  it("serves Express routes and paired sockets on one server", async () => {
    const app = express();
    app.get("/api/health", (_req, res) => void res.json({ ok: true }));
    const server = createServer(app);
    const { pg, url, port } = await embedded(server, "/ws");
    const viewer = await pair(pg, url, "viewer");
    expect(await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()).toEqual({ ok: true });
    expect(await viewer.client.call("notes.list")).toMatchObject({ ok: true, result: { notes: [] } });
    expect(await viewer.client.call("notes.add", { text: "x" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});
