// A browser pairs through the real CLI and stays paired: fresh profile → code on screen → `pairgate devices
// approve` → paired without a reload, then across a reload, a gateway restart and a browser restart. The same
// journey on a plain-http LAN-style origin (software key) and behind a NAT-like proxy (never auto-approved).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import {
  approveWithCli,
  cliJson,
  currentState,
  installProbe,
  readPairingCode,
  readProbe,
  startForwardingProxy,
  textOf,
  waitForState,
} from "../support/browser.js";
import { launchBrowser, launchPersistent } from "../support/chromium.js";
import { Cleanup, CODE_SHAPE, expectNoSecretsInOutput, firstStartInvite, logTiming, newProbedContext, newStateDir, startCliGateway } from "../support/e2e.js";

const FINGERPRINT_SHAPE = /^[A-Z2-7]{4}-[A-Z2-7]{4}$/;

interface DeviceJson {
  id: string;
  fingerprint: string;
  keyStorage: string;
  role: string;
  lastSeenFrom: { address: string; networkClass: string } | null;
}
interface PendingJson {
  id: string;
  fingerprint: string;
  keyStorage: string;
  seenFrom: { address: string; networkClass: string };
  online: boolean;
}
interface AuditJson {
  action: string;
}

const cleanup = new Cleanup();
afterEach(() => cleanup.runAll());

async function newBrowser(args: string[] = []): Promise<Browser> {
  const browser = await launchBrowser(args);
  cleanup.add("browser", () => browser.close());
  return browser;
}

async function openPersistent(profileDir: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await launchPersistent(profileDir);
  cleanup.add("persistent browser", () => context.close());
  await installProbe(context);
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Approves through the real CLI and waits for the same page to show "paired"; logs approve → paired. */
async function approveAndWatch(page: Page, stateDir: string, code: string, label: string, extra: string[] = []) {
  const device = approveWithCli(stateDir, code, extra);
  await waitForState(page, "paired");
  const probe = await readProbe(page);
  const pairedAtMs = probe.firstSeenAtMs.paired;
  expect(pairedAtMs).toBeTypeOf("number");
  logTiming(`${label}: approve (gateway's approvedAtMs) → "paired" on screen`, pairedAtMs! - device.approvedAtMs);
  // Same document, no navigation: it showed the code, then "paired", on one socket that never closed.
  expect(probe.closes).toEqual([]);
  expect(probe.stateOrder).toEqual(expect.arrayContaining(["pending", "paired"]));
  expect(probe.stateOrder.indexOf("pending")).toBeLessThan(probe.stateOrder.indexOf("paired"));
  return device;
}

describe("pairing a browser through the CLI", () => {
  it("shows a code on a fresh profile, turns paired live when the CLI approves it, and stays paired across a reload, a gateway restart and a browser restart", async () => {
    const stateDir = newStateDir(cleanup);
    let gateway = await startCliGateway(cleanup, [], stateDir);
    const base = `http://127.0.0.1:${gateway.port}/`;
    const profileDir = mkdtempSync(join(tmpdir(), "pg-e2e-profile-"));
    cleanup.add("profile dir", async () => rmSync(profileDir, { recursive: true, force: true }));

    let { context, page } = await openPersistent(profileDir);
    const navStartedAtMs = Date.now();
    await page.goto(base);
    const code = await readPairingCode(page);
    logTiming("navigation → code on screen (fresh profile)", Date.now() - navStartedAtMs);
    expect(code).toMatch(CODE_SHAPE);
    const fingerprint = (await textOf(page, "fingerprint")).trim();
    expect(fingerprint).toMatch(FINGERPRINT_SHAPE);
    expect((await textOf(page, "countdown")).trim()).toMatch(/^(10:00|9:[0-5]\d)$/);
    // This install's CLI by absolute path, never `npx pairgate` (which would ask the registry for a package).
    expect((await textOf(page, "approve-command")).trim()).toMatch(new RegExp(`^node /\\S+/bin/pairgate\\.js devices approve ${code}( --state-dir \\S+)?$`));
    const seenFrom = await textOf(page, "seen-from");
    expect(seenFrom).toContain("127.0.0.1");
    expect(seenFrom).toContain("loopback");

    const device = await approveAndWatch(page, stateDir, code, "loopback, fresh profile", ["--role", "admin"]);
    expect(device.fingerprint).toBe(fingerprint);
    await expect(page.getByRole("heading", { name: "Paired", exact: true }).isVisible()).resolves.toBe(true);
    expect((await textOf(page, "device-fingerprint")).trim()).toBe(fingerprint);
    expect((await textOf(page, "key-storage")).trim()).toBe("webcrypto");

    // A reload signs in with the stored key: straight to paired, and no new pairing request anywhere.
    await page.reload();
    await waitForState(page, "paired");
    expect((await readProbe(page)).stateOrder).not.toContain("pending");
    expect((await textOf(page, "device-fingerprint")).trim()).toBe(fingerprint);
    expect(cliJson<{ pending: PendingJson[] }>(stateDir, ["devices", "pending"]).pending).toEqual([]);
    const audit = cliJson<{ entries: AuditJson[] }>(stateDir, ["audit"]).entries;
    expect(audit.filter((e) => e.action === "request_created")).toHaveLength(1);

    // Gateway restart on the same state dir and port: the open tab reconnects by itself and is still paired.
    const welcomesBefore = (await readProbe(page)).welcomes;
    const port = gateway.port;
    const restartedAtMs = Date.now();
    await gateway.stop();
    // Its whole console output holds the code nowhere, and the first-start invite only on its own line.
    expectNoSecretsInOutput(gateway, { codes: [code], tokens: [], firstStartToken: (await firstStartInvite(gateway)).token });
    gateway = await startCliGateway(cleanup, ["--port", String(port)], stateDir);
    await expect.poll(async () => (await readProbe(page)).welcomes, { timeout: 20_000, interval: 100 }).toBeGreaterThan(welcomesBefore);
    await waitForState(page, "paired");
    logTiming("gateway restart → open tab paired again", Date.now() - restartedAtMs);
    expect((await textOf(page, "device-fingerprint")).trim()).toBe(fingerprint);
    expect((await readProbe(page)).closes.map((c) => c.code)).toContain(1001);
    // An admin exists now (approved with --role admin), so the restarted gateway prints no invite.
    expect(gateway.stdout()).not.toContain("#invite=");
    expectNoSecretsInOutput(gateway, { codes: [code], tokens: [] });

    // Browser restart on the same profile: the key is still in IndexedDB, so it is paired at once.
    await context.close();
    ({ context, page } = await openPersistent(profileDir));
    await page.goto(base);
    await waitForState(page, "paired");
    expect((await readProbe(page)).stateOrder).not.toContain("pending");
    expect((await textOf(page, "device-fingerprint")).trim()).toBe(fingerprint);
    expect((await textOf(page, "key-storage")).trim()).toBe("webcrypto");
    expect(cliJson<{ devices: DeviceJson[] }>(stateDir, ["devices", "list"]).devices.map((d) => d.fingerprint)).toEqual([fingerprint]);
    expect(cliJson<{ pending: PendingJson[] }>(stateDir, ["devices", "pending"]).pending).toEqual([]);
  });

  it("pairs the same way on a plain-http non-localhost origin, with a software key since there is no crypto.subtle", async () => {
    const stateDir = newStateDir(cleanup);
    const gateway = await startCliGateway(cleanup, ["--allowed-host", "gateway.test"], stateDir);
    const browser = await newBrowser(["--host-resolver-rules=MAP gateway.test 127.0.0.1"]);
    const context = await newProbedContext(browser, cleanup, "browser");
    const page = await context.newPage();
    const base = `http://gateway.test:${gateway.port}/`;
    const response = await page.goto(base);
    expect(response?.status(), "`pairgate start --allowed-host gateway.test` must let Host gateway.test through").toBe(200);
    const code = await readPairingCode(page);
    expect(code).toMatch(CODE_SHAPE);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    expect(await page.evaluate(() => !!globalThis.crypto?.subtle)).toBe(false);
    expect(page.url()).toBe(base);

    const device = await approveAndWatch(page, stateDir, code, "plain http, gateway.test");
    expect(device.keyStorage).toBe("software");
    expect((await textOf(page, "key-storage")).trim()).toBe("software");
    const listed = cliJson<{ devices: DeviceJson[] }>(stateDir, ["devices", "list"]).devices;
    expect(listed).toHaveLength(1);
    expect(listed[0]!.keyStorage).toBe("software");

    // The software key lives in IndexedDB too: a reload signs in with it.
    await page.reload();
    await waitForState(page, "paired");
    expect((await readProbe(page)).stateOrder).not.toContain("pending");
    expect((await textOf(page, "device-fingerprint")).trim()).toBe(device.fingerprint);
  });

  it("pairs a browser the gateway sees from a Docker-bridge address exactly the same way, and never auto-approves it", async () => {
    const stateDir = newStateDir(cleanup);
    const gateway = await startCliGateway(cleanup, ["--trusted-proxy", "127.0.0.1/32"], stateDir);
    const proxy = await startForwardingProxy(gateway.port, "172.18.0.1");
    cleanup.add("proxy", () => proxy.close());
    const browser = await newBrowser();
    const context = await newProbedContext(browser, cleanup, "browser");
    const page = await context.newPage();
    await page.goto(`${proxy.url}/`);
    const code = await readPairingCode(page);
    expect(code).toMatch(CODE_SHAPE);
    const seenFrom = await textOf(page, "seen-from");
    expect(seenFrom, "`--trusted-proxy 127.0.0.1/32` must make the gateway read X-Forwarded-For from the proxy").toContain("172.18.0.1");
    expect(seenFrom).toContain("private network");
    const fingerprint = (await textOf(page, "fingerprint")).trim();

    const pending = cliJson<{ pending: PendingJson[] }>(stateDir, ["devices", "pending"]).pending;
    expect(pending).toHaveLength(1);
    expect(pending[0]!.fingerprint).toBe(fingerprint);
    expect(pending[0]!.seenFrom).toEqual({ address: "172.18.0.1", networkClass: "private" });
    expect(cliJson<{ devices: DeviceJson[] }>(stateDir, ["devices", "list"]).devices).toEqual([]);

    // Nothing but a human approval pairs it: after a while it is still waiting, with the same code.
    await page.waitForTimeout(1500);
    expect(await currentState(page)).toBe("pending");
    expect((await textOf(page, "pairing-code")).trim()).toBe(code);
    expect((await readProbe(page)).stateOrder).not.toContain("paired");

    const device = await approveAndWatch(page, stateDir, code, "behind a proxy as 172.18.0.1");
    expect(device.fingerprint).toBe(fingerprint);
    const listed = cliJson<{ devices: DeviceJson[] }>(stateDir, ["devices", "list"]).devices;
    expect(listed.map((d) => d.fingerprint)).toEqual([fingerprint]);
    expect(listed[0]!.lastSeenFrom).toEqual({ address: "172.18.0.1", networkClass: "private" });
  });
});
