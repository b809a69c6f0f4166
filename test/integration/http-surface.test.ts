// Issue 5 / docs/design.md#http-and-trust, docs/design.md#cli: the HTTP responses carry the security headers (CSP
// without inline script, no framing, no referrer, nosniff, cache rules for hashed assets vs index.html), and the admin
// socket answers anything it can't read with a coded error instead of falling over.
import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startGateway, tempStateDir } from "../support/gateway-harness.js";
import { ADMIN_IDLE_MS, ADMIN_MAX_CLIENTS, startAdminSocket } from "../../server/src/admin/admin-socket.js";
import { createLogger } from "../../server/src/log/logger.js";
import { openAdmin } from "../support/admin-socket-client.js";
import { rawRequest, upgradeLines } from "../support/raw-http.js";
import type { Harness } from "../support/sessions.js";

/** Polls an async condition (the admin socket's slot frees when the server side sees the close). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

function fakeDashboard(): string {
  const root = tempStateDir("pg-web-");
  mkdirSync(join(root, "assets"));
  writeFileSync(join(root, "index.html"), "<!doctype html><title>pairgate</title>");
  writeFileSync(join(root, "assets", "index-abc123.js"), "export {};");
  return root;
}

describe("HTTP security headers", () => {
  it("sends a CSP without inline script, no framing, no referrer and nosniff on pages, assets, health and refusals", async () => {
    h = await startGateway({ webRoot: fakeDashboard() });
    for (const [path, host] of [
      ["/", `127.0.0.1:${h.port}`],
      ["/assets/index-abc123.js", "localhost"],
      ["/healthz", "127.0.0.1"],
      ["/", "attacker.example"],
      ["/nope", "127.0.0.1"],
    ] as const) {
      const res = await rawRequest(h.port, [`GET ${path} HTTP/1.1`, `Host: ${host}`, "Connection: close"]);
      expect([path, host, res.status]).toEqual([path, host, host === "attacker.example" ? 403 : path === "/nope" ? 404 : 200]);
      const headers = res.headers;
      const csp = headers["content-security-policy"] ?? "";
      expect([path, host, csp]).toEqual([path, host, expect.stringContaining("default-src 'self'")]);
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(headers["referrer-policy"]).toBe("no-referrer");
      expect(headers["x-content-type-options"]).toBe("nosniff");
    }
  });

  it("sends the same headers with an upgrade refused before the socket exists, whose reason quotes the Origin", async () => {
    h = await startGateway();
    const res = await rawRequest(h.port, upgradeLines(h.port, ["Origin: https://evil.example/<b>x</b>"]));
    expect(res.status).toBe(403);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
  });

  it("caches hashed assets for a year and revalidates index.html and health", async () => {
    h = await startGateway({ webRoot: fakeDashboard() });
    expect((await fetch(`${h.httpUrl}/assets/index-abc123.js`)).headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await fetch(`${h.httpUrl}/`)).headers.get("cache-control")).toBe("no-cache");
    expect((await fetch(`${h.httpUrl}/healthz`)).headers.get("cache-control")).toBe("no-store");
  });

  it("sends the security headers with Node's own parser refusals too: 431 for oversized headers, 400 for garbage (issue 11)", async () => {
    h = await startGateway();
    const big = await rawRequest(h.port, ["GET / HTTP/1.1", "Host: 127.0.0.1", `X-Big: ${"a".repeat(20_000)}`, "Connection: close"]);
    const garbage = await rawRequest(h.port, ["GARBAGE \u0001 NOT HTTP"]);
    for (const [res, status] of [
      [big, 431],
      [garbage, 400],
    ] as const) {
      expect(res.status).toBe(status);
      expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.body).toMatch(/^pairgate: [^\n]+\n$/);
    }
    expect((await fetch(`${h.httpUrl}/healthz`)).status).toBe(200);
  });

  it("answers other methods with 405 and never serves files outside the dashboard", async () => {
    h = await startGateway({ webRoot: fakeDashboard() });
    expect((await fetch(`${h.httpUrl}/`, { method: "POST", body: "x" })).status).toBe(405);
    for (const path of ["/../../../../etc/passwd", "/assets/../../pairgate.db", "/%2e%2e/%2e%2e/etc/passwd", "/pairgate.db"]) {
      const res = await rawRequest(h.port, [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1`, "Connection: close"]);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body).not.toContain("root:");
    }
  });
});

describe("admin socket robustness", () => {
  it("answers unreadable lines with bad_frame, unknown methods with not_found, and keeps serving", async () => {
    h = await startGateway();
    const admin = await openAdmin(h.stateDir);
    const replies: unknown[] = [];
    admin.onReply = (r) => void replies.push(r);
    admin.socket.write("this is not json\n");
    admin.socket.write('{"id":101}\n');
    admin.socket.write('{"id":102,"method":"devices.nope"}\n');
    admin.socket.write('{"id":103,"method":"devices.approve","params":{"code":5}}\n');
    const status = await admin.call("gateway.status");
    expect(status.ok).toBe(true);
    expect(replies.slice(0, 4)).toEqual([
      { id: null, ok: false, error: { code: "bad_frame", message: "not JSON" } },
      { id: 101, ok: false, error: { code: "bad_frame", message: "method missing" } },
      { id: 102, ok: false, error: { code: "not_found", message: expect.any(String) } },
      { id: 103, ok: false, error: { code: "invalid_params", message: expect.any(String) } },
    ]);
    admin.close();
  });

  it("refuses a request line over 64 KiB with bad_frame and closes that connection only", async () => {
    h = await startGateway();
    const reply = await new Promise<string>((resolve) => {
      const s = connect(join(h!.stateDir, "admin.sock"));
      let got = "";
      s.setEncoding("utf8");
      s.on("data", (d: string) => (got += d));
      s.on("close", () => resolve(got));
      s.on("error", () => {});
      s.write("x".repeat(70 * 1024));
    });
    expect(JSON.parse(reply.trim())).toEqual({ id: null, ok: false, error: { code: "bad_frame", message: "request too large" } });
    const admin = await openAdmin(h.stateDir);
    expect((await admin.call("gateway.status")).ok).toBe(true);
    admin.close();
  });

  it("answers `null`, arrays, numbers and strings with bad_frame instead of an unhandled rejection (issue 11 C)", async () => {
    h = await startGateway();
    const admin = await openAdmin(h.stateDir);
    const replies: unknown[] = [];
    admin.onReply = (r) => void replies.push(r);
    for (const line of ["null", "[]", "[1]", "1", '"x"', "true"]) admin.socket.write(`${line}\n`);
    expect((await admin.call("gateway.status")).ok).toBe(true);
    expect(replies.slice(0, 6)).toEqual(
      Array.from({ length: 6 }, () => ({ id: null, ok: false, error: { code: "bad_frame", message: "a request is a JSON object {id, method, params}" } })),
    );
    admin.close();
  });

  it(`caps CLI connections at ${ADMIN_MAX_CLIENTS}: the next one gets rate_limited and the others keep working`, async () => {
    h = await startGateway();
    const open = await Promise.all(Array.from({ length: ADMIN_MAX_CLIENTS }, () => openAdmin(h!.stateDir)));
    const reply = await new Promise<string>((resolve) => {
      const s = connect(join(h!.stateDir, "admin.sock"));
      let got = "";
      s.setEncoding("utf8");
      s.on("data", (d: string) => (got += d));
      s.on("close", () => resolve(got));
      s.on("error", () => {});
    });
    expect(JSON.parse(reply.trim())).toMatchObject({ id: null, ok: false, error: { code: "rate_limited" } });
    expect((await open[0]!.call("gateway.status")).ok).toBe(true);
    for (const a of open) a.close();
    await eventually(async () => {
      const again = await openAdmin(h!.stateDir);
      const timeout = new Promise<{ ok: false }>((r) => setTimeout(() => r({ ok: false }), 1000));
      const { ok } = await Promise.race([again.call("gateway.status"), timeout]);
      again.socket.destroy();
      return ok;
    }, "a freed slot is usable");
  });

  it("drops a CLI connection that stays silent past its idle timeout", async () => {
    const dir = tempStateDir();
    const log = createLogger("silent");
    const server = await startAdminSocket(join(dir, "admin.sock"), { dispatch: async () => ({}), doctor: () => ({}), log }, { idleMs: 300 });
    try {
      const started = Date.now();
      const closedAfter = await new Promise<number>((resolve) => {
        const s = connect(join(dir, "admin.sock"));
        s.on("error", () => {});
        s.on("close", () => resolve(Date.now() - started));
      });
      expect(closedAfter).toBeGreaterThanOrEqual(250);
      expect(closedAfter).toBeLessThan(5000);
      expect(ADMIN_IDLE_MS).toBe(30_000); // the production value the 300 ms above stands in for
    } finally {
      await server.close();
    }
  });
});
