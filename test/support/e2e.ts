// Glue shared by the e2e files: a cleanup stack for gateways, browsers and proxies; the first-start invite
// that `pairgate start` prints; and the log-hygiene check (docs/design.md#details).
import { rmSync } from "node:fs";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { findCodeLike, installProbe, textOf, waitForState } from "./browser.js";
import { launchBrowser } from "./chromium.js";
import { spawnGateway, tempStateDir, type SpawnedGateway } from "./gateway-harness.js";

/** A pairing code as the page shows it: RFC 8628 §6.1 consonants, grouped XXXX-XXXX (docs/design.md#pairing). */
export const CODE_SHAPE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

/**
 * How long to wait for a live update (an event reaching another tab) before failing. Generous because this
 * 2-core machine is shared; the tests assert that updates arrive without a reload, and log how fast.
 */
export const LIVE = { timeout: 10_000 } as const;

/** Things to undo after each test, newest first. */
export class Cleanup {
  readonly #steps: Array<{ label: string; run: () => Promise<unknown> }> = [];

  add(label: string, run: () => Promise<unknown>): void {
    this.#steps.push({ label, run });
  }

  async runAll(): Promise<void> {
    const failures: string[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      // Keep going so one stuck browser doesn't leave a gateway running; report every failure at the end.
      await step.run().catch((error: unknown) => failures.push(`${step.label}: ${error instanceof Error ? error.message : String(error)}`));
    }
    if (failures.length) throw new Error(`cleanup failed:\n${failures.join("\n")}`);
  }
}

/** A fresh state dir, removed after the test. */
/**
 * One headless Chromium for the whole file and a cleanup stack emptied after each test. Call at module level;
 * `browser()` is valid inside tests.
 */
export function useBrowserSuite(): { browser: () => Browser; cleanup: Cleanup } {
  let browser: Browser | undefined;
  const cleanup = new Cleanup();
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(() => cleanup.runAll());
  return {
    cleanup,
    browser: () => {
      if (!browser) throw new Error("the browser is not launched yet: call browser() inside a test");
      return browser;
    },
  };
}

export function newStateDir(cleanup: Cleanup): string {
  const dir = tempStateDir("pg-e2e-");
  cleanup.add("state dir", async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `pairgate start` as a child process on port 0 (unless `args` says otherwise), stopped after the test. */
export async function startCliGateway(cleanup: Cleanup, args: string[] = [], stateDir = newStateDir(cleanup)): Promise<SpawnedGateway> {
  const gateway = await spawnGateway(args, { stateDir });
  cleanup.add(`gateway :${gateway.port}`, () => gateway.stop());
  return gateway;
}

const INVITE_LINE = /^\s+(http:\/\/\S+\/#invite=([A-Za-z0-9_-]+))\s*$/m;

/** The one-time admin link `pairgate start` prints on first start (docs/design.md#pairing). */
export async function firstStartInvite(gateway: SpawnedGateway, timeoutMs = 5000): Promise<{ url: string; token: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = INVITE_LINE.exec(gateway.stdout());
    if (m) return { url: m[1]!, token: m[2]! };
    if (Date.now() > deadline) throw new Error(`no first-start invite in the gateway's output:\n${gateway.stdout()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * No pairing code or invite token in anything the gateway printed, except the single first-start invite line
 * on stdout (docs/design.md#details). Checks every line of stdout and stderr (the JSON log).
 */
export function expectNoSecretsInOutput(gateway: SpawnedGateway, secrets: { codes: string[]; tokens: string[]; firstStartToken?: string }): void {
  const lines = [
    ...gateway
      .stdout()
      .split("\n")
      .map((l) => ({ stream: "stdout", l })),
    ...gateway
      .stderr()
      .split("\n")
      .map((l) => ({ stream: "stderr", l })),
  ];
  const leaks: string[] = [];
  let firstStartLines = 0;
  for (const { stream, l } of lines) {
    if (secrets.firstStartToken && l.includes(secrets.firstStartToken)) {
      firstStartLines += 1;
      if (stream !== "stdout" || !/^\s+http:\/\/\S+\/#invite=/.test(l)) leaks.push(`${stream}: first-start token outside its line: ${l}`);
      continue;
    }
    for (const code of findCodeLike(l, secrets.codes)) leaks.push(`${stream}: pairing code ${code}: ${l}`);
    for (const token of secrets.tokens) if (l.includes(token)) leaks.push(`${stream}: invite token: ${l}`);
  }
  expect(leaks).toEqual([]);
  if (secrets.firstStartToken) expect(firstStartLines).toBe(1);
}

/** Logs a measured duration so it shows in the test output (no assertion: the machine is shared and noisy). */
export function logTiming(label: string, ms: number): void {
  console.log(`[e2e timing] ${label}: ${Math.round(ms)} ms`);
}

/** A phone's user agent, so a second browser gets its own default name ("Chrome on Android"). */
export const PHONE_USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36";

/** A new browser context (its own IndexedDB, so its own key) with the probe installed; closed by `cleanup`. */
export async function newProbedContext(browser: Browser, cleanup: Cleanup, label: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, ...options });
  cleanup.add(`${label} context`, () => context.close());
  await installProbe(context);
  return context;
}

export interface AdminBrowser {
  page: Page;
  /** The admin device's name as its home page shows it. */
  name: string;
  firstStartToken: string;
}

/** Opens the first-start invite in a fresh context: the owner's admin browser, paired with no code. */
export async function pairAdminWithFirstStartInvite(browser: Browser, gateway: SpawnedGateway, cleanup: Cleanup): Promise<AdminBrowser> {
  const invite = await firstStartInvite(gateway);
  const page = await (await newProbedContext(browser, cleanup, "admin")).newPage();
  await page.goto(invite.url);
  await waitForState(page, "paired");
  expect(page.url()).not.toContain("invite=");
  expect((await textOf(page, "device-role")).trim()).toBe("Admin");
  const name = (await textOf(page, "device-name")).trim();
  return { page, name, firstStartToken: invite.token };
}

/** Goes to the Devices page through the header link and waits until the device list has loaded. */
export async function openDevicesPage(page: Page): Promise<void> {
  await page.getByTestId("nav-devices").click();
  await page.locator('main[data-page="devices"]:not([aria-busy="true"])').waitFor({ state: "visible" });
  await page.locator("[data-testid=device-row]").first().waitFor({ state: "visible" });
}
