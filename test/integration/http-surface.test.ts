// Issue 5 / DESIGN §5, §6: the HTTP responses carry the security headers (CSP without inline script, no framing,
// no referrer, nosniff, cache rules for hashed assets vs index.html), and the admin socket answers anything it
// can't read with a coded error instead of falling over.
import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startGateway, tempStateDir } from "../helpers/gateway-harness.js";
import { openAdmin } from "./support/admin-socket-client.js";
import { rawRequest, upgradeLines } from "./support/raw-http.js";
import type { Harness } from "./support/sessions.js";

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
    for (const [path, host] of [["/", `127.0.0.1:${h.port}`], ["/assets/index-abc123.js", "localhost"], ["/healthz", "127.0.0.1"], ["/", "attacker.example"], ["/nope", "127.0.0.1"]] as const) {
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
});
