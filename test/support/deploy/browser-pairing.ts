// One browser pairing as a person does it, for the deployment e2e tests: open the dashboard, read the code and
// what the gateway says it sees, approve the code with the real CLI wherever the gateway runs, see "paired".
import type { SpawnSyncReturns } from "node:child_process";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { readPairingCode, textOf, waitForState } from "../browser.js";

export interface PairedInBrowser {
  code: string;
  /** The pairing screen's "what the gateway sees" text, e.g. "10.213.7.1 · private network". */
  seenFrom: string;
  isSecureContext: boolean;
  hasWebCrypto: boolean;
}

export async function pairInBrowser(
  page: Page,
  url: string,
  approve: (code: string) => SpawnSyncReturns<string> | Promise<SpawnSyncReturns<string>>,
): Promise<PairedInBrowser> {
  const response = await gotoThroughNetworkChanges(page, url);
  expect(response?.status(), `GET ${url}`).toBe(200);
  const code = await readPairingCode(page, 30_000);
  const seenFrom = (await textOf(page, "seen-from")).trim();
  const context = await page.evaluate(() => ({ isSecureContext: window.isSecureContext, hasWebCrypto: Boolean(globalThis.crypto?.subtle) }));
  const r = await approve(code);
  expect(r.status, `pairgate devices approve ${code}: ${r.stdout}${r.stderr}`).toBe(0);
  await waitForState(page, "paired", 30_000);
  return { code, seenFrom, ...context };
}

/**
 * Chromium aborts a navigation with ERR_NETWORK_CHANGED when an interface on the machine comes or goes, and the
 * other deployment tests create network namespaces, veth pairs and containers at any moment. That is the test
 * machine, not the gateway, so the navigation is tried again (three tries at most); any other error fails at once.
 */
async function gotoThroughNetworkChanges(page: Page, url: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.goto(url);
    } catch (err) {
      if (attempt >= 3 || !String((err as Error).message).includes("net::ERR_NETWORK_CHANGED")) throw err;
    }
  }
}
