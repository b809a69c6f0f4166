// The front door behind real nginx (auth_request) and real Caddy (forward_auth), configured exactly as
// docs/front-door.md says (only ports and the certificate changed; see test/support/deploy/front-door-configs.ts), in
// front of the upstream fixture app. A device pairs through the proxy with the real CLI, trades its ticket for the
// cookie, and the app sees who it is; client-sent identity headers and pairgate's cookie never reach the app; a
// revoke refuses the next request. One https run through Caddy's internal CA checks the __Host- cookie.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { runCli, spawnGateway, type SpawnedGateway } from "../support/gateway-harness.js";
import { startUpstreamApp, type EchoBody, type UpstreamApp } from "../fixtures/upstream-app.js";
import { frontDoorCaddySite, frontDoorGatewayArgs, frontDoorNginxSite } from "../support/deploy/front-door-configs.js";
import { openAppSession, postSession, type SessionTarget } from "../support/deploy/front-door-session.js";
import { httpRequest, type RequestOpts } from "../support/deploy/http.js";
import type { Proc } from "../support/deploy/processes.js";
import { freePort, startCaddy, startNginx } from "../support/deploy/proxies.js";

const SPOOFED = { "Remote-User": "admin-by-header", "Remote-Groups": "admin", "X-Pairgate-Device": "forged", "X-Pairgate-Role": "admin" };
/** What Chromium sends for an address-bar navigation. */
const NAVIGATION = { Accept: "text/html,application/xhtml+xml", "Sec-Fetch-Mode": "navigate" };

const scratch = mkdtempSync(join(tmpdir(), "pg-front-door-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Setup {
  app: UpstreamApp;
  gateway: SpawnedGateway;
  proxy: Proc;
  target: SessionTarget;
  stop(): Promise<void>;
}

/** The doc's `pairgate start` line for this proxy, on port 0 with a temp state dir (the harness adds both). */
async function startSetup(
  gatewayBlock: string,
  startProxy: (gatewayPort: number, appPort: number, dir: string) => Promise<{ proxy: Proc; target: Omit<SessionTarget, "stateDir"> }>,
): Promise<Setup> {
  const app = await startUpstreamApp();
  const args = frontDoorGatewayArgs(gatewayBlock);
  expect(args).toEqual(expect.arrayContaining(["--prefix", "/_pairgate", "--trusted-proxy", "127.0.0.1/32", "--allowed-host", "app.example.com"]));
  const gateway = await spawnGateway(args);
  const { proxy, target } = await startProxy(gateway.port, app.port, mkdtempSync(join(scratch, "proxy-")));
  return {
    app,
    gateway,
    proxy,
    target: { ...target, stateDir: gateway.stateDir },
    async stop() {
      await proxy.stop();
      await gateway.stop();
      rmSync(gateway.stateDir, { recursive: true, force: true });
      await app.close();
    },
  };
}

const send = (s: Setup, path: string, opts: RequestOpts = {}) =>
  httpRequest(`${s.target.base}${path}`, { ...opts, headers: { Host: new URL(s.target.origin).host, ...opts.headers }, ...(s.target.tls ?? {}) });

/** Checks shared by every proxy: refused without a session, identity in and spoofing out with one, revoke. */
function frontDoorChecks(get: () => Setup, expectLoginLocation: (location: string, s: Setup) => void) {
  it("refuses an app request without a session (401 JSON) and sends a page navigation to the pairing page with rd", async () => {
    const s = get();
    const before = s.app.stats().requests;
    const api = await send(s, "/api/echo");
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toMatchObject({ error: { code: expect.any(String) } });
    const page = await send(s, "/deep/page?a=1&b=2", { headers: NAVIGATION });
    expect(page.status).toBe(302);
    expectLoginLocation(String(page.headers.location), s);
    expect(s.app.stats().requests).toBe(before);
  });

  it("passes a paired browser with its identity, and never the client's own identity headers or pairgate's cookie", async () => {
    const s = get();
    const session = await openAppSession(s.target, "Kitchen tablet");
    session.client.close();
    const res = await send(s, "/api/echo?x=1", { headers: { ...SPOOFED, Cookie: `app=1; ${session.cookie}; theme=dark` } });
    expect(res.status, res.body).toBe(200);
    const echo = JSON.parse(res.body) as EchoBody;
    expect(echo.path).toBe("/api/echo?x=1");
    expect(echo.headers).toMatchObject({
      "remote-user": "Kitchen tablet",
      "remote-groups": "viewer",
      "x-pairgate-device": session.deviceId,
      "x-pairgate-role": "viewer",
    });
    const cookie = String(echo.headers.cookie ?? "");
    expect(cookie).toContain("app=1");
    expect(cookie).toContain("theme=dark");
    expect(cookie).not.toContain(session.cookie.split("=")[1]!);
    // Nothing the client made up reached the app, in any request.
    for (const seen of s.app.seen()) expect(JSON.stringify(seen.headers)).not.toMatch(/admin-by-header|forged/);
    // The page itself: a navigation with the cookie lands on the app.
    const page = await send(s, "/deep/page", { headers: { ...NAVIGATION, Cookie: session.cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<code id="path">/deep/page</code>');
  });

  it("refuses a revoked device's next request and new WebSocket; an app WebSocket opened before stays open (the proxy checked it once)", async () => {
    const s = get();
    const session = await openAppSession(s.target, "Phone");
    const wsUrl = `${s.target.base.replace(/^http/, "ws")}/ws`;
    const headers = { Host: new URL(s.target.origin).host, Cookie: session.cookie };
    const before = new WebSocket(wsUrl, { headers, origin: s.target.origin, ...(s.target.tls ?? {}) });
    const messages: string[] = [];
    before.on("message", (d) => messages.push(String(d)));
    await new Promise((resolve, reject) => (before.once("open", resolve), before.once("error", reject)));
    await expect.poll(() => messages.length).toBe(1);
    expect(JSON.parse(messages[0]!)).toMatchObject({ type: "hello", headers: { "x-pairgate-device": session.deviceId, "remote-user": "Phone" } });

    const revoked = runCli(["devices", "revoke", session.deviceId], { stateDir: s.target.stateDir });
    expect(revoked.status, revoked.stderr).toBe(0);
    expect((await send(s, "/api/echo", { headers: { Cookie: session.cookie } })).status).toBe(401);
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl, { headers, origin: s.target.origin, ...(s.target.tls ?? {}) });
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("open", () => resolve(101));
      ws.once("error", () => resolve(-1));
    });
    expect(refused).toBe(401);
    // What docs/front-door.md says revoke can't cut with another proxy in front: this socket still echoes.
    before.send("still here");
    await expect.poll(() => messages.at(-1)).toBe("still here");
    before.close();
    session.client.close();
  });
}

describe("nginx auth_request in front of the app, as docs/front-door.md configures it", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await startSetup("front-door-nginx-gateway", async (gatewayPort, appPort, dir) => {
      const port = await freePort();
      const proxy = await startNginx(dir, frontDoorNginxSite({ listenPort: port, gatewayPort, appPort }), { host: "127.0.0.1", port });
      return { proxy, target: { base: `http://127.0.0.1:${port}`, origin: `http://app.example.com:${port}` } };
    });
  });
  afterAll(() => s?.stop());

  frontDoorChecks(
    () => s,
    (location, setup) => expect(location).toBe(`${setup.target.origin}/_pairgate/?rd=${encodeURIComponent("/deep/page?a=1&b=2")}`),
  );

  it("keeps /_pairgate/auth from the outside: only nginx's own subrequest reaches it", async () => {
    expect((await send(s, "/_pairgate/auth", { headers: { "X-Original-URL": "http://app.example.com/" } })).status).toBe(404);
  });
});

describe("Caddy forward_auth in front of the app, as docs/front-door.md configures it", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await startSetup("front-door-caddy-gateway", async (gatewayPort, appPort, dir) => {
      const port = await freePort();
      const proxy = await startCaddy(dir, frontDoorCaddySite({ address: `http://app.example.com:${port}`, gatewayPort, appPort }), { host: "127.0.0.1", port });
      return { proxy, target: { base: `http://127.0.0.1:${port}`, origin: `http://app.example.com:${port}` } };
    });
  });
  afterAll(() => s?.stop());

  frontDoorChecks(
    () => s,
    (location) => expect(location).toBe(`/_pairgate/?rd=${encodeURIComponent("/deep/page?a=1&b=2")}`),
  );
});

describe("Caddy over https with its internal CA", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await startSetup("front-door-caddy-gateway", async (gatewayPort, appPort, dir) => {
      const port = await freePort();
      const proxy = await startCaddy(dir, frontDoorCaddySite({ address: `app.example.com:${port}`, gatewayPort, appPort }), {
        host: "127.0.0.1",
        port,
        tlsServername: "app.example.com",
      });
      const ca = readFileSync(join(dir, "data/pki/authorities/local/root.crt"), "utf8");
      return { proxy, target: { base: `https://127.0.0.1:${port}`, origin: `https://app.example.com:${port}`, tls: { ca, servername: "app.example.com" } } };
    });
  });
  afterAll(() => s?.stop());

  it("sets the __Host-pairgate cookie with Secure and Path=/, and that cookie lets the browser in", async () => {
    const session = await openAppSession(s.target, "Laptop");
    session.client.close();
    expect(session.cookie).toMatch(/^__Host-pairgate=[A-Za-z0-9_-]{43}$/);
    const attributes = session.setCookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["secure", "path=/", "httponly", "samesite=lax"]));
    expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);
    const res = await send(s, "/api/echo", { headers: { ...SPOOFED, Cookie: session.cookie } });
    expect(res.status, res.body).toBe(200);
    expect((JSON.parse(res.body) as EchoBody).headers).toMatchObject({
      "remote-user": "Laptop",
      "x-pairgate-device": session.deviceId,
      "x-pairgate-role": "viewer",
    });
    // The same value under the plain-http name is not a session on https.
    const plainName = session.cookie.replace("__Host-pairgate=", "pairgate_session=");
    expect((await send(s, "/api/echo", { headers: { Cookie: plainName } })).status).toBe(401);
  });

  it("refuses a replayed ticket and one from another origin with a coded 4xx", async () => {
    const session = await openAppSession(s.target, "Second laptop");
    const ticket = await session.client.call<{ ticket: string }>("session.ticket");
    if (!ticket.ok) throw new Error(ticket.error.code);
    const elsewhere = await postSession(s.target, ticket.result.ticket, "https://evil.example.com");
    expect(elsewhere.status).toBeGreaterThanOrEqual(400);
    expect(elsewhere.status).toBeLessThan(500);
    expect(JSON.parse(elsewhere.body)).toMatchObject({ error: { code: expect.any(String) } });
    expect((await postSession(s.target, ticket.result.ticket)).status).toBe(200);
    const replay = await postSession(s.target, ticket.result.ticket);
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.body)).toMatchObject({ error: { code: "ticket_invalid" } });
    session.client.close();
  });
});
