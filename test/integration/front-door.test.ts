// The front door on real ports: the built-in proxy in front of a tiny HTTP + WebSocket upstream started here,
// tickets traded for the session cookie, forward auth, header stripping, 502 when the app is down, revoke
// closing proxied WebSockets, and the check working with the database closed (it reads memory only).
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { startGateway } from "../support/gateway-harness.js";
import { CLI, eventually, manualClock, pairDevice, type Harness } from "../support/sessions.js";

interface Upstream {
  url: string;
  port: number;
  seen: IncomingHttpHeaders[];
  sockets: Set<WebSocket>;
  close(): Promise<void>;
}

/** Echoes the headers it got as JSON; its WebSocket sends them as the first message. */
async function startUpstream(): Promise<Upstream> {
  const seen: IncomingHttpHeaders[] = [];
  const sockets = new Set<WebSocket>();
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { "Content-Type": "application/json", "Set-Cookie": "app_cookie=from-app; Path=/" });
    res.end(JSON.stringify({ path: req.url, headers: req.headers }));
  });
  const wss = new WebSocketServer({ server });
  wss.on("connection", (ws, req) => {
    sockets.add(ws);
    ws.on("close", () => sockets.delete(ws));
    ws.send(JSON.stringify({ headers: req.headers }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    sockets,
    close: () =>
      new Promise<void>((r) => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function http(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers: opts.headers ?? {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

const NAVIGATE = { "Sec-Fetch-Mode": "navigate", Accept: "text/html" };

let h: Harness | null = null;
let upstream: Upstream | null = null;
afterEach(async () => {
  await h?.stop();
  await upstream?.close();
  h = null;
  upstream = null;
});

async function setup(opts: { settings?: Record<string, unknown>; now?: () => number } = {}) {
  upstream = await startUpstream();
  h = await startGateway({ settings: { upstream: upstream.url, ...opts.settings }, ...(opts.now ? { now: opts.now } : {}) });
  const origin = h.httpUrl;
  const prefixed = { ...h, url: `ws://127.0.0.1:${h.port}/_pairgate/ws` };
  const pair = (name = "Laptop") => pairDevice(prefixed, { name, connect: { origin }, hello: { origin } });
  return { h, upstream, origin, pair };
}

/** A paired device's cookie: ticket on the socket, POST <prefix>/session, the Set-Cookie value. */
async function sessionCookieFor(
  port: number,
  origin: string,
  client: Awaited<ReturnType<typeof pairDevice>>["client"],
): Promise<{ cookie: string; setCookie: string }> {
  const ticket = await client.call<{ ticket: string }>("session.ticket", {});
  if (!ticket.ok) throw new Error(`session.ticket refused: ${ticket.error.code}`);
  const res = await http(port, "/_pairgate/session", {
    method: "POST",
    headers: { Origin: origin, "Content-Type": "application/json" },
    body: JSON.stringify({ ticket: ticket.result.ticket }),
  });
  expect(res.status).toBe(200);
  const setCookie = String(res.headers["set-cookie"]?.[0]);
  return { cookie: setCookie.split(";")[0]!, setCookie };
}

describe("front door: built-in proxy", () => {
  it("without a session: a navigation gets 302 to the pairing page with rd, anything else 401 JSON, a WebSocket 401", async () => {
    const { h, upstream } = await setup();
    const nav = await http(h.port, "/app/page?x=1", { headers: NAVIGATE });
    expect(nav.status).toBe(302);
    expect(nav.headers.location).toBe(`/_pairgate/?rd=${encodeURIComponent("/app/page?x=1")}`);
    const api = await http(h.port, "/api/data", { headers: { Accept: "application/json" } });
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toEqual({ error: { code: "session_required", message: expect.any(String) } });
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/live`);
    const status = await new Promise<number>((resolve) => ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
    expect(upstream.seen).toEqual([]); // nothing reached the app
    // pairgate's own pages answer under the prefix; the bare prefix redirects to its directory.
    expect((await http(h.port, "/_pairgate")).headers.location).toBe("/_pairgate/");
    expect((await http(h.port, "/_pairgate/healthz")).status).toBe(200);
    expect((await http(h.port, "/healthz")).status).toBe(200);
  });

  it("trades a ticket for an HttpOnly SameSite=Lax cookie, then proxies with identity headers and without pairgate's cookie or client-sent identity", async () => {
    const { h, upstream, origin, pair } = await setup();
    const { client, device } = await pair("Ünïcode laptop");
    const { cookie, setCookie } = await sessionCookieFor(h.port, origin, client);
    expect(setCookie).toMatch(/^pairgate_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=604800; HttpOnly; SameSite=Lax$/);
    const res = await http(h.port, "/app?q=1", {
      headers: {
        Cookie: `theme=dark; ${cookie}; app_session=abc`,
        "Remote-User": "root",
        "remote-groups": "admin",
        "X-Pairgate-Role": "admin",
        "X-Pairgate-Device": "forged",
        "Remote-Email": "x@y",
      },
    });
    expect(res.status).toBe(200);
    const got = JSON.parse(res.body) as { path: string; headers: IncomingHttpHeaders };
    expect(got.path).toBe("/app?q=1");
    expect(got.headers.cookie).toBe("theme=dark; app_session=abc");
    expect(got.headers["remote-user"]).toBe(encodeURIComponent("Ünïcode laptop"));
    expect(got.headers["remote-groups"]).toBe("admin");
    expect(got.headers["x-pairgate-device"]).toBe(device.id);
    expect(got.headers["x-pairgate-role"]).toBe("admin");
    expect(got.headers["remote-email"]).toBeUndefined();
    expect(res.headers["set-cookie"]).toEqual(["app_cookie=from-app; Path=/"]); // the app's own cookies pass back
    expect(upstream.seen).toHaveLength(1);
  });

  it("refuses forged, replayed, other-origin and cross-site tickets with coded 4xx answers", async () => {
    const { h, origin, pair } = await setup();
    const { client } = await pair();
    const post = (ticket: unknown, o = origin, extra: Record<string, string> = {}) =>
      http(h.port, "/_pairgate/session", {
        method: "POST",
        headers: { Origin: o, "Content-Type": "application/json", ...extra },
        body: JSON.stringify({ ticket }),
      });
    const codeOf = (a: Answer) => [a.status, (JSON.parse(a.body) as { error: { code: string } }).error.code];

    expect(codeOf(await post("A".repeat(43)))).toEqual([401, "ticket_invalid"]);
    const t1 = (await client.call<{ ticket: string }>("session.ticket", {})) as { ok: true; result: { ticket: string } };
    expect((await post(t1.result.ticket)).status).toBe(200);
    expect(codeOf(await post(t1.result.ticket))).toEqual([401, "ticket_invalid"]); // single use
    // Same-origin POST from another origin of this gateway (localhost vs 127.0.0.1): the ticket is bound to its page.
    const t2 = (await client.call<{ ticket: string }>("session.ticket", {})) as { ok: true; result: { ticket: string } };
    const other = `http://localhost:${h.port}`;
    expect(codeOf(await post(t2.result.ticket, other, { Host: `localhost:${h.port}` }))).toEqual([403, "ticket_origin"]);
    // A cross-site page can't even try.
    const t3 = (await client.call<{ ticket: string }>("session.ticket", {})) as { ok: true; result: { ticket: string } };
    expect(codeOf(await post(t3.result.ticket, "https://evil.example"))).toEqual([403, "origin_not_allowed"]);
    expect(codeOf(await http(h.port, "/_pairgate/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }))).toEqual([
      403,
      "origin_not_allowed",
    ]);
    expect(codeOf(await post(undefined))).toEqual([400, "bad_request"]);
  });

  it("refuses an expired ticket", async () => {
    const clock = manualClock();
    const { h, origin, pair } = await setup({ now: clock.now });
    const { client } = await pair();
    const t = (await client.call<{ ticket: string }>("session.ticket", {})) as { ok: true; result: { ticket: string } };
    clock.advance(30_001);
    const res = await http(h.port, "/_pairgate/session", {
      method: "POST",
      headers: { Origin: origin, "Content-Type": "application/json" },
      body: JSON.stringify({ ticket: t.result.ticket }),
    });
    expect([res.status, JSON.parse(res.body).error.code]).toEqual([401, "ticket_expired"]);
  });

  it("proxies WebSockets with identity headers and closes them when the device is revoked; the next requests are refused", async () => {
    const { h, upstream, origin, pair } = await setup();
    const { client, device } = await pair();
    const { cookie } = await sessionCookieFor(h.port, origin, client);
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/live`, { headers: { Cookie: cookie, "Remote-User": "forged" }, origin });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once("message", (d) => resolve(String(d)));
      ws.once("error", reject);
    });
    const headers = (JSON.parse(first) as { headers: IncomingHttpHeaders }).headers;
    expect(headers["x-pairgate-device"]).toBe(device.id);
    expect(headers["remote-user"]).toBe("Laptop");
    expect(headers.cookie).toBeUndefined();
    expect(h.gateway.proxiedSockets).toBe(1);
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));

    await h.gateway.dispatch(CLI, "devices.revoke", { deviceId: device.id });
    expect(await closed).toBe(1006); // cut, not a clean close: the app did not choose it
    await eventually(() => upstream.sockets.size === 0, "the upstream socket closed too");
    const nav = await http(h.port, "/app", { headers: { ...NAVIGATE, Cookie: cookie } });
    expect(nav.status).toBe(302);
    expect(nav.headers.location).toBe(`/_pairgate/?rd=${encodeURIComponent("/app")}`);
    expect((await http(h.port, "/api", { headers: { Cookie: cookie } })).status).toBe(401);
    expect(h.gateway.pairgate.sessions.list({ deviceId: device.id })).toEqual([]);
  });

  it("answers 502 (a page for navigations, JSON otherwise) when the upstream is down, and keeps running", async () => {
    const { h, upstream, origin, pair } = await setup();
    const { client } = await pair();
    const { cookie } = await sessionCookieFor(h.port, origin, client);
    await upstream.close();
    const page = await http(h.port, "/app", { headers: { ...NAVIGATE, Cookie: cookie } });
    expect(page.status).toBe(502);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.body).toContain("The app behind pairgate is not answering");
    expect(page.body).not.toMatch(/ECONNREFUSED|at .*\.js/);
    const api = await http(h.port, "/api", { headers: { Cookie: cookie } });
    expect([api.status, JSON.parse(api.body).error.code]).toEqual([502, "upstream_unavailable"]);
    expect((await http(h.port, "/healthz")).status).toBe(200);
  });

  it("checks sessions without the database: with the store closed, requests still pass on the session held in memory", async () => {
    const { h, upstream, origin, pair } = await setup();
    const { client } = await pair();
    const { cookie } = await sessionCookieFor(h.port, origin, client);
    await h.gateway.store.close(); // any read or write from here on throws
    for (let i = 0; i < 20; i++) expect((await http(h.port, `/n/${i}`, { headers: { Cookie: cookie } })).status).toBe(200);
    expect(upstream.seen).toHaveLength(20);
  });
});

describe("front door: forward auth", () => {
  it("answers 200 with identity headers for a session, 401 without, and 302 with rd for a trusted proxy's navigation", async () => {
    const { h, origin, pair } = await setup({ settings: { upstream: "", prefix: "/_pairgate", trustedProxies: ["127.0.0.1"] } });
    const { client, device } = await pair();
    const { cookie } = await sessionCookieFor(h.port, origin, client);
    const ok = await http(h.port, "/_pairgate/auth", { headers: { Cookie: cookie } });
    expect(ok.status).toBe(200);
    expect([ok.headers["remote-user"], ok.headers["remote-groups"], ok.headers["x-pairgate-device"], ok.headers["x-pairgate-role"]]).toEqual([
      "Laptop",
      "admin",
      device.id,
      "admin",
    ]);
    expect((await http(h.port, "/_pairgate/auth")).status).toBe(401);
    // nginx auth_request (X-Original-URL): always 401, nginx's error_page does the redirect.
    expect((await http(h.port, "/_pairgate/auth", { headers: { ...NAVIGATE, "X-Original-URL": "https://app.example/grafana/?x=1" } })).status).toBe(401);
    // Traefik / Caddy (X-Forwarded-Uri): a navigation gets the redirect with the original path.
    const traefik = await http(h.port, "/_pairgate/auth", { headers: { ...NAVIGATE, "X-Forwarded-Uri": "/grafana/?x=1", "X-Forwarded-Method": "GET" } });
    expect(traefik.status).toBe(302);
    expect(traefik.headers.location).toBe(`/_pairgate/?rd=${encodeURIComponent("/grafana/?x=1")}`);
    // An evil original path falls back to "/".
    const evil = await http(h.port, "/_pairgate/auth", { headers: { ...NAVIGATE, "X-Forwarded-Uri": "//evil.example/" } });
    expect(evil.headers.location).toBe(`/_pairgate/?rd=${encodeURIComponent("/")}`);
    // Without an upstream, paths outside the prefix are not pairgate's.
    expect((await http(h.port, "/grafana/", { headers: { Cookie: cookie } })).status).toBe(404);
  });

  it("answers the check the same when it carries a WebSocket upgrade's headers (Caddy forward_auth copies them)", async () => {
    const { h, origin, pair } = await setup({ settings: { upstream: "", prefix: "/_pairgate", trustedProxies: ["127.0.0.1"] } });
    const { client, device } = await pair();
    const { cookie } = await sessionCookieFor(h.port, origin, client);
    const UPGRADE = { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" };
    const ok = await http(h.port, "/_pairgate/auth", { headers: { ...UPGRADE, Cookie: cookie, "X-Forwarded-Uri": "/app/ws", "X-Forwarded-Method": "GET" } });
    expect(ok.status).toBe(200);
    expect([ok.headers["remote-user"], ok.headers["x-pairgate-device"], ok.headers["x-pairgate-role"]]).toEqual(["Laptop", device.id, "admin"]);
    const refused = await http(h.port, "/_pairgate/auth", { headers: { ...UPGRADE, "X-Forwarded-Uri": "/app/ws", "X-Forwarded-Method": "GET" } });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "session_required" } });
    // An unknown Host is refused here as on every other route.
    expect((await http(h.port, "/_pairgate/auth", { headers: { ...UPGRADE, Host: "evil.example", Cookie: cookie } })).status).toBe(403);
  });

  it("reads the original URL only from a trusted proxy", async () => {
    const { h } = await setup({ settings: { upstream: "", prefix: "/_pairgate" } });
    const res = await http(h.port, "/_pairgate/auth", { headers: { ...NAVIGATE, "X-Forwarded-Uri": "/secret" } });
    expect(res.status).toBe(401);
  });
});
