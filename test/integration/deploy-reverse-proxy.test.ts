// pairgate behind a real reverse proxy, configured exactly as docs/deploy.md says (only ports and certificate
// paths replaced). With --trusted-proxy the gateway shows the X-Forwarded-For client, never the proxy, and a client
// can't spoof it; without it, doctor names the flag to add.
//   - nginx on loopback, a ws client from 127.0.0.3: always runs (nginx comes from Debian; .ci/run installs it).
//   - Chromium over TLS to https://gw.example.com through nginx, and through Caddy, each in a network namespace with
//     the gateway on the namespace's loopback: needs root for the namespace, else skips and prints why.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/chromium.js";
import { PAIRGATE_BIN, REPO_ROOT, runCli, spawnGateway, type SpawnedGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient, type ConnectOptions } from "../support/ws-client.js";
import { pairInBrowser } from "../support/deploy/browser-pairing.js";
import { braceBlock, docBlock, startArgs } from "../support/deploy/doc-blocks.js";
import { httpGet } from "../support/deploy/http.js";
import { createNetns, netnsUnavailable, type Netns } from "../support/deploy/netns.js";
import type { Proc } from "../support/deploy/processes.js";
import { freePort, makeCert, startCaddy, startNginx } from "../support/deploy/proxies.js";

const NGINX_SITE = docBlock("nginx-site");
const NGINX_GATEWAY_ARGS = startArgs(docBlock("nginx-gateway"));
/** Where the browser is in the loopback tests: any 127/8 address other than nginx's own 127.0.0.1. */
const CLIENT = "127.0.0.3";

const scratch = mkdtempSync(join(tmpdir(), "pg-proxy-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The docs' nginx site on a plain-http loopback port, forwarding to `gatewayPort`. */
function loopbackNginxSite(listenPort: number, gatewayPort: number, edit: (s: string) => string = (s) => s): string {
  const site = NGINX_SITE.replace(/listen 443 ssl;/, `listen 127.0.0.1:${listenPort};`)
    .replace(/^\s*ssl_certificate(_key)?\s.*$/gm, "")
    .replace("proxy_pass http://127.0.0.1:8420;", `proxy_pass http://127.0.0.1:${gatewayPort};`);
  expect(site).toContain(braceBlock(NGINX_SITE, "location / {").replace("127.0.0.1:8420", `127.0.0.1:${gatewayPort}`));
  return edit(site);
}

describe("nginx on loopback, as docs/deploy.md configures it", () => {
  let gateways: SpawnedGateway[] = [];
  let proxies: Proc[] = [];
  afterEach(async () => {
    await Promise.all(proxies.map((p) => p.stop()));
    await Promise.all(gateways.map((g) => g.stop()));
    for (const g of gateways) rmSync(g.stateDir, { recursive: true, force: true });
    gateways = [];
    proxies = [];
  });

  async function gatewayBehindNginx(gatewayArgs: string[], edit?: (s: string) => string) {
    const g = await spawnGateway(gatewayArgs);
    gateways.push(g);
    const port = await freePort();
    const dir = mkdtempSync(join(scratch, "nginx-"));
    proxies.push(await startNginx(dir, loopbackNginxSite(port, g.port, edit), { host: "127.0.0.1", port }));
    return { g, port };
  }

  /** What a browser at https://gw.example.com sends, from 127.0.0.3, to nginx. */
  const asBrowser = (extra: ConnectOptions = {}): ConnectOptions => ({
    origin: "https://gw.example.com",
    headers: { Host: "gw.example.com", ...extra.headers },
    localAddress: CLIENT,
    ...(extra.origin ? { origin: extra.origin } : {}),
  });

  it("pairs through the proxy and shows the X-Forwarded-For client, not nginx", async () => {
    expect(NGINX_GATEWAY_ARGS).toEqual(["--trusted-proxy", "127.0.0.1/32", "--allowed-host", "gw.example.com", "--public-url", "https://gw.example.com"]);
    const { g, port } = await gatewayBehindNginx(NGINX_GATEWAY_ARGS);
    const c = await connectClient(`ws://127.0.0.1:${port}/ws`, makeTestKey(), asBrowser());
    await c.hello();
    const pairing = await c.next("pairing");
    expect(pairing.request.seenFrom).toEqual({ address: CLIENT, networkClass: "loopback" });
    const approve = runCli(["devices", "approve", pairing.request.code], { stateDir: g.stateDir });
    expect(approve.status, approve.stderr).toBe(0);
    expect((await c.next("welcome")).device.approvedVia).toBe("cli");
    c.close();

    const report = JSON.parse(runCli(["doctor", "--json"], { stateDir: g.stateDir }).stdout) as {
      gateway: { recentUpgrades: Array<{ address: string; peer: string; viaTrustedProxy: boolean; forwardedFor: string }> };
    };
    expect(report.gateway.recentUpgrades[0]).toEqual(
      expect.objectContaining({ address: CLIENT, peer: "127.0.0.1", viaTrustedProxy: true, forwardedFor: CLIENT }),
    );

    // The dashboard's "what the gateway sees" link, through the proxy.
    const seen = JSON.parse((await httpGet(`http://127.0.0.1:${port}/whoami`, { Host: "gw.example.com" }, CLIENT)).body) as Record<string, unknown>;
    expect(seen).toMatchObject({ address: CLIENT, peer: "127.0.0.1", viaTrustedProxy: true });
  });

  it("ignores an X-Forwarded-For the client made up: nginx appends the real one and the right-most untrusted hop wins", async () => {
    const { port } = await gatewayBehindNginx(NGINX_GATEWAY_ARGS);
    const c = await connectClient(`ws://127.0.0.1:${port}/ws`, makeTestKey(), asBrowser({ headers: { "X-Forwarded-For": "203.0.113.7" } }));
    await c.hello();
    expect((await c.next("pairing")).request.seenFrom).toEqual({ address: CLIENT, networkClass: "loopback" });
    c.close();
  });

  it("serves a non-default port because it passes $http_host; with $host it would refuse, and doctor says why", async () => {
    const { port } = await gatewayBehindNginx(NGINX_GATEWAY_ARGS);
    const onPort = `gw.example.com:${port}`;
    const ok = await connectClient(`ws://127.0.0.1:${port}/ws`, makeTestKey(), asBrowser({ origin: `https://${onPort}`, headers: { Host: onPort } }));
    await ok.hello();
    await ok.next("pairing");
    ok.close();

    const { g, port: badPort } = await gatewayBehindNginx(NGINX_GATEWAY_ARGS, (s) =>
      s.replace("proxy_set_header Host $http_host;", "proxy_set_header Host $host;"),
    );
    const badHost = `gw.example.com:${badPort}`;
    const refused = await connectClient(
      `ws://127.0.0.1:${badPort}/ws`,
      makeTestKey(),
      asBrowser({ origin: `https://${badHost}`, headers: { Host: badHost } }),
    ).then(
      () => null,
      (e: { statusCode?: number }) => e,
    );
    expect(refused?.statusCode).toBe(403);
    const doctor = JSON.parse(runCli(["doctor", "--json"], { stateDir: g.stateDir }).stdout) as { diagnosis: string[] };
    expect(doctor.diagnosis).toContainEqual(
      `Requests from ${CLIENT} are refused because Origin https://${badHost} is not allowed: add --allowed-origin https://${badHost}, or, if a reverse proxy sits in front, have it pass the browser's Host header (the gateway got Host gw.example.com; nginx: proxy_set_header Host $http_host).`,
    );
  });

  it("without --trusted-proxy shows every browser as nginx, and doctor names the flag to add", async () => {
    const { g, port } = await gatewayBehindNginx(["--allowed-host", "gw.example.com"]);
    const c = await connectClient(`ws://127.0.0.1:${port}/ws`, makeTestKey(), asBrowser());
    await c.hello();
    expect((await c.next("pairing")).request.seenFrom.address).toBe("127.0.0.1");
    c.close();
    const doctor = runCli(["doctor"], { stateDir: g.stateDir });
    expect(doctor.stdout).toContain(
      `Upgrades from 127.0.0.1 carry X-Forwarded-For (${CLIENT}), but 127.0.0.1 is not a trusted proxy, so those browsers are shown as 127.0.0.1. If 127.0.0.1 is your reverse proxy, add --trusted-proxy 127.0.0.1/32.`,
    );
  });
});

describe("Chromium over TLS through a reverse proxy, gateway on loopback in a network namespace", () => {
  const reason = netnsUnavailable();
  let browser: Browser | null = null;
  let ns: Netns | null = null;

  beforeAll(async () => {
    if (reason) return;
    ns = await createNetns();
    browser = await launchBrowser([`--host-resolver-rules=MAP gw.example.com ${ns.nsAddress}`, "--ignore-certificate-errors"]);
  });
  afterAll(async () => {
    await browser?.close();
    await ns?.destroy();
  });

  /** The gateway as the docs start it, inside the namespace on its loopback 127.0.0.1:8420. */
  async function gatewayInside(stateDir: string, args: string[]) {
    return ns!.start(process.execPath, [PAIRGATE_BIN, "start", ...args, "--state-dir", stateDir], {
      name: "gateway",
      cwd: REPO_ROOT,
      env: { ...process.env, PAIRGATE_NO_QR: "1" },
      readyOutput: /listening on http:\/\/127\.0\.0\.1:8420/,
    });
  }
  const cliInside = (stateDir: string, args: string[]) => ns!.run(process.execPath, [PAIRGATE_BIN, ...args, "--state-dir", stateDir]);

  async function pairThroughProxy(stateDir: string) {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const paired = await pairInBrowser(page, "https://gw.example.com/", (code) => cliInside(stateDir, ["devices", "approve", code]));
    await context.close(); // its tab would otherwise reconnect to the next test's gateway at the same URL
    expect(paired.isSecureContext).toBe(true);
    expect(paired.seenFrom).toContain(ns!.hostAddress);
    expect(paired.seenFrom).not.toContain("127.0.0.1");
    const report = JSON.parse(cliInside(stateDir, ["doctor", "--json"]).stdout) as {
      gateway: { recentUpgrades: Array<{ address: string; peer: string; viaTrustedProxy: boolean; host: string; origin: string }> };
    };
    expect(report.gateway.recentUpgrades[0]).toMatchObject({
      address: ns!.hostAddress,
      peer: "127.0.0.1",
      viaTrustedProxy: true,
      host: "gw.example.com",
      origin: "https://gw.example.com",
    });
    const devices = JSON.parse(cliInside(stateDir, ["devices", "list", "--json"]).stdout) as { devices: Array<{ keyStorage: string }> };
    expect(devices.devices.map((d) => d.keyStorage)).toEqual(["webcrypto"]);
  }

  it("nginx: the docs' server block with a throwaway certificate", async (ctx) => {
    if (reason) {
      console.log(`[deploy-reverse-proxy] skipped: ${reason}`);
      ctx.skip();
    }
    const dir = mkdtempSync(join(scratch, "nginx-tls-"));
    const { cert, key } = makeCert(dir, "gw.example.com");
    const site = NGINX_SITE.replace(/ssl_certificate\s+\S+;/, `ssl_certificate ${cert};`).replace(/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${key};`);
    const gw = await gatewayInside(join(dir, "state"), NGINX_GATEWAY_ARGS);
    const nginx = await startNginx(dir, site, { host: ns!.nsAddress, port: 443, ns: ns! });
    try {
      await pairThroughProxy(join(dir, "state"));
    } finally {
      await nginx.stop();
      await gw.stop();
    }
  });

  it("Caddy: the docs' Caddyfile, with Caddy's local CA instead of ACME", async (ctx) => {
    if (reason) {
      console.log(`[deploy-reverse-proxy] skipped: ${reason}`);
      ctx.skip();
    }
    const dir = mkdtempSync(join(scratch, "caddy-"));
    const args = startArgs(docBlock("caddy-gateway"));
    expect(args).toEqual(["--trusted-proxy", "127.0.0.1/32", "--allowed-host", "gw.example.com", "--public-url", "https://gw.example.com"]);
    const gw = await gatewayInside(join(dir, "state"), args);
    const caddy = await startCaddy(dir, docBlock("caddyfile"), { host: ns!.nsAddress, port: 443, ns: ns!, tlsServername: "gw.example.com" });
    try {
      await pairThroughProxy(join(dir, "state"));
    } finally {
      await caddy.stop();
      await gw.stop();
    }
  });
});
