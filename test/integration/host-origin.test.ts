// Issue 5 / docs/design.md#http-and-trust: the Host check (DNS rebinding) on every route and the Origin check
// (cross-site WebSocket hijacking) on /ws. A refusal is a 403 with a one-line reason, never a socket, and `pairgate
// doctor` counts it.
import { afterEach, describe, expect, it } from "vitest";
import { startGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { adminCall } from "../support/admin-socket-client.js";
import { rawRequest, upgradeLines } from "../support/raw-http.js";
import { CLI, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const get = (path: string, host: string) => [`GET ${path} HTTP/1.1`, `Host: ${host}`, "Connection: close"];

/** A refusal is one line: "pairgate: <reason>\n". */
function expectOneLineRefusal(res: { status: number; body: string; raw: string }, status: number, mentions: string) {
  expect(res.status).toBe(status);
  expect(res.raw).not.toMatch(/^HTTP\/1\.1 101/);
  expect(res.body).toMatch(/^pairgate: [^\n]+\n$/);
  expect(res.body).toContain(mentions);
}

describe("Host check, bracketed form", () => {
  it("refuses `Host: [::1]evil.example` on pages and upgrades: only a port may follow the bracket (issue 11)", async () => {
    h = await startGateway();
    for (const host of ["[::1]evil.example", "[::1].evil.example", "[::1]:80evil"]) {
      expectOneLineRefusal(await rawRequest(h.port, get("/healthz", host)), 403, "Host header is not host[:port]");
      expectOneLineRefusal(await rawRequest(h.port, upgradeLines(h.port, [], "/ws", host)), 403, "Host header is not host[:port]");
    }
    expect((await rawRequest(h.port, get("/healthz", `[::1]:${h.port}`))).status).toBe(200);
    expect(h.gateway.sockets.open).toBe(0);
  });
});

describe("Origin check on /ws (CSWSH)", () => {
  it("refuses an upgrade with Origin https://evil.example with 403, a one-line reason and no socket", async () => {
    h = await startGateway();
    const raw = await rawRequest(h.port, upgradeLines(h.port, ["Origin: https://evil.example"]));
    expectOneLineRefusal(raw, 403, "Origin https://evil.example is not allowed");
    const viaWs = await connectClient(h.url, makeTestKey(), { origin: "https://evil.example" }).then(
      () => null,
      (err: { statusCode?: number }) => err.statusCode,
    );
    expect(viaWs).toBe(403);
    expect(h.gateway.sockets).toEqual({ open: 0, unauthenticated: 0 });
  });

  it("refuses Origins that differ from the page's host only in port, scheme-less spelling or suffix", async () => {
    h = await startGateway();
    for (const origin of [`http://127.0.0.1:${h.port + 1}`, "null", `http://127.0.0.1:${h.port}.evil.example`, `http://localhost:${h.port}`, "file://"]) {
      const res = await rawRequest(h.port, upgradeLines(h.port, [`Origin: ${origin}`]));
      expect([origin, res.status]).toEqual([origin, 403]);
    }
    expect(h.gateway.sockets.open).toBe(0);
  });

  it("accepts the same origin over http and https, listed origins, and clients that send no Origin, and pairs them", async () => {
    h = await startGateway({ settings: { allowedOrigins: ["https://dash.example.com:8443"] } });
    const origins = [`http://127.0.0.1:${h.port}`, `https://127.0.0.1:${h.port}`, "https://dash.example.com:8443", undefined];
    for (const origin of origins) {
      const key = makeTestKey();
      const c = await connectClient(h.url, key, origin ? { origin } : {});
      await c.hello(); // signs over the same origin the upgrade carried ("" when none)
      const { request } = await c.next("pairing");
      await h.gateway.dispatch(CLI, "devices.approve", { code: request.code });
      expect((await c.next("welcome")).device.id).toBe(key.deviceId);
      c.close();
    }
  });
});

describe("Host check on every route (DNS rebinding)", () => {
  it("answers Host attacker.example with 403 on /, /healthz and /ws, as a plain GET and as an upgrade", async () => {
    h = await startGateway();
    for (const host of ["attacker.example", `attacker.example:${h.port}`]) {
      for (const path of ["/", "/healthz", "/ws", "/assets/x.js"]) {
        expectOneLineRefusal(await rawRequest(h.port, get(path, host)), 403, "Host attacker.example is not allowed");
      }
      for (const path of ["/ws", "/other"]) {
        expectOneLineRefusal(await rawRequest(h.port, upgradeLines(h.port, [], path, host)), 403, "Host attacker.example is not allowed");
      }
    }
    const viaWs = await connectClient(h.url, makeTestKey(), { headers: { Host: "attacker.example" } }).then(
      () => null,
      (err: { statusCode?: number }) => err.statusCode,
    );
    expect(viaWs).toBe(403);
    expect(h.gateway.sockets.open).toBe(0);
  });

  it("passes IP literals, localhost, *.localhost and listed hosts whatever the port, and nothing that merely contains them", async () => {
    h = await startGateway({ settings: { allowedHosts: ["gw.example.com"] } });
    const pass = ["127.0.0.1", `127.0.0.1:${h.port}`, "[::1]:8420", "localhost", "app.localhost:3000", "gw.example.com", "GW.Example.COM:443", "10.1.2.3"];
    const fail = ["gw.example.com.evil.example", "evil-gw.example.com", "localhost.evil.example", "127.0.0.1.nip.io", "", "example.com"];
    for (const host of pass) expect([host, (await rawRequest(h.port, get("/healthz", host))).status]).toEqual([host, 200]);
    for (const host of fail) expect([host, (await rawRequest(h.port, get("/healthz", host))).status]).toEqual([host, 403]);
  });

  it("allows a listed host to upgrade only with its own Origin or a listed one", async () => {
    h = await startGateway({ settings: { allowedHosts: ["gw.example.com"] } });
    const ok = await rawRequest(h.port, upgradeLines(h.port, ["Origin: https://gw.example.com"], "/ws", "gw.example.com"));
    expect(ok.status).toBe(101);
    const cross = await rawRequest(h.port, upgradeLines(h.port, ["Origin: https://other.example.com"], "/ws", "gw.example.com"));
    expect(cross.status).toBe(403);
  });
});

describe("refusals are counted for doctor", () => {
  it("reports each refused Host and Origin with its code, stage and reason through the admin socket", async () => {
    h = await startGateway();
    await rawRequest(h.port, get("/", "attacker.example"));
    await rawRequest(h.port, upgradeLines(h.port, [], "/ws", "rebind.example"));
    await rawRequest(h.port, upgradeLines(h.port, ["Origin: https://evil.example"]));
    const report = await adminCall<{
      refusedTotal: number;
      recentRefusals: Array<{ stage: string; code: string; reason: string; host: string | null; origin: string | null }>;
    }>(h.stateDir, "gateway.doctor");
    expect(report.refusedTotal).toBe(3);
    expect(report.recentRefusals.map((r) => [r.stage, r.code])).toEqual([
      ["upgrade", "origin_not_allowed"],
      ["upgrade", "host_not_allowed"],
      ["http", "host_not_allowed"],
    ]);
    expect(report.recentRefusals[0]).toMatchObject({
      origin: "https://evil.example",
      reason: expect.stringContaining("--allowed-origin https://evil.example"),
    });
    expect(report.recentRefusals[1]).toMatchObject({ host: "rebind.example", reason: expect.stringContaining("--allowed-host rebind.example") });
  });
});
