// The NAT / LAN case for real: the gateway runs in a network namespace of its own with --host 0.0.0.0, and
// Chromium outside reaches it over a veth link at a private address, as a browser reaches a container's published
// port or a NAS on the LAN. Plain http to a non-localhost address means no WebCrypto, so the dashboard uses its
// software key. Pairing works, the pairing screen shows the non-loopback address, and `doctor --json` run inside
// the namespace reports the same address. Needs root for the namespace; elsewhere it skips and prints why.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/chromium.js";
import { PAIRGATE_BIN, REPO_ROOT } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { pairInBrowser } from "../support/deploy/browser-pairing.js";
import { docBlock, startArgs } from "../support/deploy/doc-blocks.js";
import { createNetns, netnsUnavailable, type Netns } from "../support/deploy/netns.js";

const reason = netnsUnavailable();

describe("a gateway in its own network namespace, Chromium outside it", () => {
  let ns: Netns | null = null;
  let browser: Browser | null = null;
  const scratch = mkdtempSync(join(tmpdir(), "pg-netns-"));

  /** `pairgate …` inside the namespace, the way `docker exec` runs the CLI inside a container. */
  const cliInside = (stateDir: string, args: string[]) => ns!.run(process.execPath, [PAIRGATE_BIN, ...args, "--state-dir", stateDir]);
  const startInside = (stateDir: string, args: string[]) =>
    ns!.start(process.execPath, [PAIRGATE_BIN, "start", "--state-dir", stateDir, ...args], {
      name: "gateway in namespace",
      cwd: REPO_ROOT,
      env: { ...process.env, PAIRGATE_NO_QR: "1" },
      readyOutput: /listening on/,
    });
  const doctorInside = (stateDir: string) => {
    const r = cliInside(stateDir, ["doctor", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as {
      gateway: {
        bind: { host: string; port: number };
        recentUpgrades: Array<{ address: string; networkClass: string; peer: string; origin: string | null; host: string | null }>;
      };
      diagnosis: string[];
    };
  };

  beforeAll(async () => {
    if (reason) return;
    ns = await createNetns();
    // nas.local resolves to the namespace's address for this browser only, as mDNS would on a LAN.
    browser = await launchBrowser([`--host-resolver-rules=MAP nas.local ${ns.nsAddress}`]);
  });
  afterAll(async () => {
    await browser?.close();
    await ns?.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("pairs over plain http with the software key, shows the non-loopback address, and doctor inside reports it", async (ctx) => {
    if (reason) {
      console.log(`[deploy-netns] skipped: ${reason}`);
      ctx.skip();
    }
    const stateDir = join(scratch, "by-ip");
    const gw = await startInside(stateDir, ["--host", "0.0.0.0", "--port", "8420", "--name", "lan-box"]);
    const context = await browser!.newContext();
    const page = await context.newPage();
    const url = `http://${ns!.nsAddress}:8420/`;
    const paired = await pairInBrowser(page, url, (code) => cliInside(stateDir, ["devices", "approve", code]));

    expect(paired.isSecureContext).toBe(false);
    expect(paired.hasWebCrypto).toBe(false);
    expect(paired.seenFrom).toContain(ns!.hostAddress);
    expect(paired.seenFrom).toContain("private network");

    const devices = JSON.parse(cliInside(stateDir, ["devices", "list", "--json"]).stdout) as { devices: Array<{ keyStorage: string; lastSeenFrom: unknown }> };
    expect(devices.devices.map((d) => d.keyStorage)).toEqual(["software"]);

    const report = doctorInside(stateDir);
    expect(report.gateway.bind).toEqual({ host: "0.0.0.0", port: 8420 });
    expect(report.gateway.recentUpgrades[0]).toMatchObject({
      address: ns!.hostAddress,
      networkClass: "private",
      peer: ns!.hostAddress,
      origin: `http://${ns!.nsAddress}:8420`,
      host: `${ns!.nsAddress}:8420`,
    });
    expect(report.diagnosis).toContainEqual(expect.stringContaining(`at http://${ns!.nsAddress}:8420 over plain http: there is no WebCrypto there`));

    // The page reaches GET /whoami and reads the same facts about itself.
    const seen = await page.evaluate(async () => (await fetch(`/whoami?origin=${encodeURIComponent(location.origin)}`)).json());
    expect(seen).toMatchObject({ address: ns!.hostAddress, networkClass: "private", originAllowed: true });
    await context.close(); // a paired tab reconnects on its own, and would reach the next test's gateway on this port
    expect(await gw.stop()).toBe(0);
  });

  it("explains a refused name in the browser and in doctor, then pairs by name with the LAN recipe from docs/deploy.md", async (ctx) => {
    if (reason) {
      console.log(`[deploy-netns] skipped: ${reason}`);
      ctx.skip();
    }
    // First without --allowed-host: the name is refused, and both the page and doctor say which flag to add.
    const bare = join(scratch, "bare");
    const gw = await startInside(bare, ["--host", "0.0.0.0", "--port", "8421"]);
    const refusedContext = await browser!.newContext();
    const page = await refusedContext.newPage();
    const refused = await page.goto("http://nas.local:8421/");
    expect(refused?.status()).toBe(403);
    expect(await page.textContent("body")).toContain("Host nas.local is not allowed (add --allowed-host nas.local)");
    // A page served under one name opening /ws under another (a proxy that rewrote Host, say) is refused by Origin.
    const err = await connectClient(`ws://${ns!.nsAddress}:8421/ws`, makeTestKey(), { origin: "http://nas.local:8420" }).then(
      () => null,
      (e: { statusCode?: number }) => e,
    );
    expect(err?.statusCode).toBe(403);
    const diagnosis = doctorInside(bare).diagnosis;
    expect(diagnosis).toContain(`Requests from ${ns!.hostAddress} are refused because Host nas.local is not allowed: add --allowed-host nas.local.`);
    expect(diagnosis).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^Requests from ${ns!.hostAddress.replace(/\./g, "\\.")} are refused because Origin http://nas\\.local:8420 is not allowed: add --allowed-origin http://nas\\.local:8420`,
        ),
      ),
    );
    await refusedContext.close();
    await gw.stop();

    // The recipe as docs/deploy.md writes it.
    const lan = join(scratch, "lan");
    const args = startArgs(docBlock("lan-gateway"));
    expect(args).toEqual(["--host", "0.0.0.0", "--allowed-host", "nas.local", "--public-url", "http://nas.local:8420"]);
    const lanGw = await startInside(lan, [...args, "--port", "8420", "--name", "nas"]);
    const lanContext = await browser!.newContext();
    const byName = await lanContext.newPage();
    const paired = await pairInBrowser(byName, "http://nas.local:8420/", (code) => cliInside(lan, ["devices", "approve", code]));
    expect(paired.seenFrom).toContain(ns!.hostAddress);
    expect(paired.hasWebCrypto).toBe(false);
    expect(doctorInside(lan).gateway.recentUpgrades[0]).toMatchObject({ address: ns!.hostAddress, host: "nas.local:8420", origin: "http://nas.local:8420" });
    await lanContext.close();
    expect(await lanGw.stop()).toBe(0);
  });
});
