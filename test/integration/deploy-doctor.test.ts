// `pairgate doctor` and GET /whoami against a real `pairgate start`: what the gateway sees, the last 20 refusals
// with Origin/Host, and a diagnosis in plain words that names the flag to add.
import { chmodSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, spawnGateway, tempStateDir, type SpawnedGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { httpGet } from "../support/deploy/http.js";

let gateways: SpawnedGateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  for (const g of gateways) rmSync(g.stateDir, { recursive: true, force: true });
  gateways = [];
});

async function spawn(args: string[] = []) {
  const g = await spawnGateway(args);
  gateways.push(g);
  return g;
}

interface Refusal {
  stage: string;
  code: string;
  reason: string;
  address: string;
  origin: string | null;
  host: string | null;
}

interface Report {
  adminSocket: { path: string; reachable: boolean; error: { code: string } | null };
  stateDir: { path: string; exists: boolean; mode: string; isPrivate: boolean };
  gateway: {
    bind: { host: string; port: number };
    stateDir: { mode: string; isPrivate: boolean; isWritable: boolean; adminSocket: { mode: string } };
    allowedHosts: string[];
    allowedOrigins: string[];
    trustedProxies: string[];
    refusedTotal: number;
    recentRefusals: Refusal[];
    recentUpgrades: Array<{ address: string; peer: string; forwardedFor: string | null; viaTrustedProxy: boolean; host: string | null; origin: string | null }>;
  } | null;
  diagnosis: string[];
}

function doctor(stateDir: string) {
  const r = runCli(["doctor", "--json", "--state-dir", stateDir]);
  return { status: r.status, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

/** A ws upgrade that must be refused; resolves with the HTTP status. */
async function refusedUpgrade(port: number, opts: { origin?: string; headers?: Record<string, string> }): Promise<number> {
  const err = await connectClient(`ws://127.0.0.1:${port}/ws`, makeTestKey(), opts).then(
    (c) => {
      c.close();
      throw new Error("the upgrade was accepted");
    },
    (e: { statusCode?: number }) => e,
  );
  return err.statusCode ?? 0;
}

describe("pairgate doctor", () => {
  it("shows bind, state dir and socket permissions, settings, and says the gateway looks fine", async () => {
    const g = await spawn(["--allowed-host", "nas.local", "--allowed-origin", "https://gw.example.com", "--trusted-proxy", "127.0.0.1/32"]);
    const { status, report } = doctor(g.stateDir);
    expect(status).toBe(0);
    expect(report.adminSocket).toMatchObject({ path: join(g.stateDir, "admin.sock"), reachable: true, error: null });
    const gw = report.gateway!;
    expect(gw.bind).toEqual({ host: "127.0.0.1", port: g.port });
    expect(gw.stateDir).toMatchObject({ mode: "0700", isPrivate: true, isWritable: true, adminSocket: { mode: "0600" } });
    expect(gw.allowedHosts).toEqual(["nas.local"]);
    expect(gw.allowedOrigins).toEqual(["https://gw.example.com"]);
    expect(gw.trustedProxies).toEqual(["127.0.0.1/32"]);
    expect(report.diagnosis.join("\n")).not.toMatch(/refused|chmod/);

    const text = runCli(["doctor", "--state-dir", g.stateDir]);
    expect(text.status).toBe(0);
    for (const s of [
      `bind            127.0.0.1:${g.port}`,
      "(mode 0700",
      "admin.sock: reachable (mode 0600)",
      "allowed hosts   nas.local",
      "trusted proxies 127.0.0.1/32",
      "Diagnosis:",
    ])
      expect(text.stdout).toContain(s);
  });

  it("lists a refused Origin with its Host and says which --allowed-origin to add", async () => {
    const g = await spawn();
    expect(await refusedUpgrade(g.port, { origin: "http://nas.local:8420" })).toBe(403);
    const { report } = doctor(g.stateDir);
    expect(report.gateway!.recentRefusals[0]).toMatchObject({
      stage: "upgrade",
      code: "origin_not_allowed",
      address: "127.0.0.1",
      origin: "http://nas.local:8420",
      host: `127.0.0.1:${g.port}`,
    });
    expect(report.diagnosis).toContainEqual(
      expect.stringMatching(
        /^Requests from 127\.0\.0\.1 are refused because Origin http:\/\/nas\.local:8420 is not allowed: add --allowed-origin http:\/\/nas\.local:8420/,
      ),
    );
    // The Host the gateway got is not the page's: the usual cause is a proxy that rewrites Host, and doctor says so.
    expect(report.diagnosis.join("\n")).toContain("proxy_set_header Host $http_host");
  });

  it("lists a refused Host on any route and says which --allowed-host to add", async () => {
    const g = await spawn();
    expect((await httpGet(`http://127.0.0.1:${g.port}/`, { Host: "nas.local:8420" })).status).toBe(403);
    const { report } = doctor(g.stateDir);
    expect(report.gateway!.recentRefusals[0]).toMatchObject({ code: "host_not_allowed", host: "nas.local:8420", address: "127.0.0.1" });
    expect(report.diagnosis).toContain("Requests from 127.0.0.1 are refused because Host nas.local is not allowed: add --allowed-host nas.local.");
  });

  it("records a refused handshake with the Host and Origin of its upgrade", async () => {
    const g = await spawn();
    const c = await connectClient(`ws://127.0.0.1:${g.port}/ws`, makeTestKey(), { origin: `http://127.0.0.1:${g.port}` });
    await c.hello({ signature: "A".repeat(86) });
    expect((await c.next("error")).code).toBe("auth_failed");
    const { report } = doctor(g.stateDir);
    expect(report.gateway!.recentRefusals[0]).toMatchObject({
      stage: "handshake",
      code: "auth_failed",
      host: `127.0.0.1:${g.port}`,
      origin: `http://127.0.0.1:${g.port}`,
    });
    expect(report.diagnosis).toContainEqual(expect.stringContaining("failed to prove its key"));
  });

  it("keeps the last 20 refusals, newest first, and counts them all", async () => {
    const g = await spawn();
    for (let i = 0; i < 25; i++) expect(await refusedUpgrade(g.port, { origin: `https://site${i}.example` })).toBe(403);
    const gw = doctor(g.stateDir).report.gateway!;
    expect(gw.refusedTotal).toBe(25);
    expect(gw.recentRefusals).toHaveLength(20);
    expect(gw.recentRefusals[0]!.origin).toBe("https://site24.example");
    expect(gw.recentRefusals[19]!.origin).toBe("https://site5.example");
  });

  it("notices X-Forwarded-For from a peer that is not a trusted proxy and names the --trusted-proxy to add", async () => {
    const g = await spawn();
    const c = await connectClient(`ws://127.0.0.1:${g.port}/ws`, makeTestKey(), { headers: { "X-Forwarded-For": "192.168.1.23" } });
    await c.hello();
    expect((await c.next("pairing")).request.seenFrom.address).toBe("127.0.0.1");
    c.close();
    const { report } = doctor(g.stateDir);
    expect(report.gateway!.recentUpgrades[0]).toMatchObject({ address: "127.0.0.1", peer: "127.0.0.1", forwardedFor: "192.168.1.23", viaTrustedProxy: false });
    expect(report.diagnosis).toContainEqual(
      expect.stringMatching(
        /^Upgrades from 127\.0\.0\.1 carry X-Forwarded-For \(192\.168\.1\.23\), but 127\.0\.0\.1 is not a trusted proxy.*add --trusted-proxy 127\.0\.0\.1\/32\.$/,
      ),
    );
  });

  it("says when the state dir is readable by others", async () => {
    const g = await spawn();
    chmodSync(g.stateDir, 0o755);
    const { report } = doctor(g.stateDir);
    expect(report.gateway!.stateDir).toMatchObject({ mode: "0755", isPrivate: false });
    expect(report.diagnosis).toContainEqual(`The state dir ${g.stateDir} has mode 0755, so other users can read it; run chmod 700 ${g.stateDir}.`);
  });

  it("exits 3 with the report and a reason when no gateway answers", async () => {
    const g = await spawn();
    await g.stop();
    const stopped = doctor(g.stateDir);
    expect(stopped.status).toBe(3);
    expect(stopped.report.adminSocket).toMatchObject({ reachable: false, error: { code: "not_running" } });
    expect(stopped.report.gateway).toBeNull();
    expect(stopped.report.diagnosis[0]).toContain("exists but has no admin socket: the gateway is not running, or it runs with another state dir");

    const missing = doctor(join(tempStateDir(), "never-started"));
    expect(missing.status).toBe(3);
    expect(missing.report.stateDir.exists).toBe(false);
    expect(missing.report.diagnosis[0]).toMatch(/^No state dir at .*never-started: no gateway has run with it/);
  });
});

describe("GET /whoami: what the gateway sees of this browser", () => {
  it("answers with the caller's own facts and whether /ws would take its origin, and nothing about the gateway", async () => {
    const g = await spawn(["--allowed-origin", "https://gw.example.com", "--trusted-proxy", "10.0.0.0/8"]);
    const base = `http://127.0.0.1:${g.port}`;
    const ok = await httpGet(`${base}/whoami?origin=${encodeURIComponent(base)}`);
    expect(ok.status).toBe(200);
    expect(ok.headers["cache-control"]).toBe("no-store");
    const facts = JSON.parse(ok.body) as Record<string, unknown>;
    expect(Object.keys(facts).sort()).toEqual(
      ["address", "diagnosis", "forwardedFor", "host", "hostAllowed", "networkClass", "origin", "originAllowed", "peer", "viaTrustedProxy"].sort(),
    );
    expect(facts).toMatchObject({
      address: "127.0.0.1",
      networkClass: "loopback",
      peer: "127.0.0.1",
      forwardedFor: null,
      viaTrustedProxy: false,
      origin: base,
      originAllowed: true,
    });
    expect(ok.body).not.toContain("gw.example.com"); // the allow-lists stay private
    expect(ok.body).not.toContain("10.0.0.0/8");

    const refused = JSON.parse(
      (await httpGet(`${base}/whoami?origin=${encodeURIComponent("http://nas.local:8420")}`, { "X-Forwarded-For": "192.168.1.23" })).body,
    ) as {
      originAllowed: boolean;
      diagnosis: string[];
    };
    expect(refused.originAllowed).toBe(false);
    expect(refused.diagnosis).toContainEqual(
      expect.stringContaining("Origin http://nas.local:8420 is not allowed: add --allowed-origin http://nas.local:8420"),
    );
    expect(refused.diagnosis).toContainEqual(expect.stringContaining("add --trusted-proxy 127.0.0.1/32"));
  });

  it("renders a page without script for a link, with every value escaped", async () => {
    const g = await spawn();
    const page = await httpGet(`http://127.0.0.1:${g.port}/whoami?origin=${encodeURIComponent("http://<b>x&y")}`, { Accept: "text/html" });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.body).toContain("What the gateway sees");
    expect(page.body).not.toContain("<script");
    expect(page.body).not.toContain("<b>");
    expect(page.body).toContain("http://&#60;b&#62;x&#38;y");
  });

  it("is refused like every route for a Host that is not allowed", async () => {
    const g = await spawn();
    const r = await httpGet(`http://127.0.0.1:${g.port}/whoami`, { Host: "rebind.example" });
    expect(r.status).toBe(403);
    expect(r.body).toContain("--allowed-host rebind.example");
  });
});
