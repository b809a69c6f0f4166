// The pairing screen itself in real Chromium: the code shows before React has loaded (and the page says so when
// React can't load), its QR decodes to the approve link, reconnecting keeps the same request and code, and the
// README's screenshot of it is taken here.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { axeViolations } from "../support/axe.js";
import { cliJson, decodeQrImage, readPairingCode, readProbe, textOf, waitForState } from "../support/browser.js";
import { REPO_ROOT } from "../support/gateway-harness.js";
import { newProbedContext, startCliGateway, useBrowserSuite } from "../support/e2e.js";

/** Where the README's image lives. Rewritten only with PAIRGATE_UPDATE_SCREENSHOTS=1, so `npm test` leaves git clean. */
const README_SCREENSHOT = join(REPO_ROOT, "docs/images/pairing-screen.png");
const SCRATCH_SCREENSHOT = join(REPO_ROOT, "test-results/pairing-screen.png");

const suite = useBrowserSuite();
const cleanup = suite.cleanup;

/** The chunk web/src/main.ts imports once the gateway has answered: React and every screen. */
const APP_CHUNK = /\/assets\/app-root-[^/]+\.js$/;

describe("the pairing screen", () => {
  it("shows the code before React has loaded, then the whole page over it with the same code", async () => {
    const gateway = await startCliGateway(cleanup, ["--name", "homelab"]);
    const page = await (await newProbedContext(suite.browser(), cleanup, "pairing")).newPage();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let appRequests = 0;
    await page.route(APP_CHUNK, async (route) => {
      appRequests++;
      await held;
      await route.continue();
    });
    await page.goto(`http://127.0.0.1:${gateway.port}/`);
    const code = await readPairingCode(page);
    // React's shell has #content and the approve command; the first paint has neither.
    expect(await page.locator("#content").count()).toBe(0);
    expect(await page.getByTestId("approve-command").count()).toBe(0);
    expect(await page.locator(".eyebrow-name").textContent()).toBe("homelab");
    expect(await axeViolations(page)).toEqual([]);
    // The app was asked for only after the code was on screen, and is held there.
    await expect.poll(() => appRequests).toBe(1);
    release();
    await page.getByTestId("approve-command").waitFor({ state: "visible" });
    expect(await page.locator("#content").count()).toBe(1);
    expect(await page.getByTestId("pairing-code").allTextContents()).toEqual([code]);
  });

  it("says so, with a Reload button, when the app's scripts can't load", async () => {
    const gateway = await startCliGateway(cleanup);
    const page = await (await newProbedContext(suite.browser(), cleanup, "pairing")).newPage();
    let failures = 0;
    await page.route(APP_CHUNK, (route) => (failures++ === 0 ? route.abort("connectionrefused") : route.continue()));
    await page.goto(`http://127.0.0.1:${gateway.port}/`);
    await waitForState(page, "failed");
    expect(await page.locator("main").textContent()).toContain("did not load");
    expect(await page.locator(".brand-name").count()).toBe(1); // the header stays
    await page.getByRole("button", { name: "Reload" }).click();
    await page.getByTestId("approve-command").waitFor({ state: "visible" });
    expect(failures).toBe(2);
  });

  it("shows a QR code that decodes to the approve link for the code on screen", async () => {
    const gateway = await startCliGateway(cleanup, ["--name", "homelab"]);
    const page = await (await newProbedContext(suite.browser(), cleanup, "pairing")).newPage();
    const origin = `http://127.0.0.1:${gateway.port}`;
    await page.goto(`${origin}/`);
    const code = await readPairingCode(page);
    await page.locator("img[data-testid=pairing-qr]").waitFor({ state: "visible" });
    const qr = await decodeQrImage(page, "img[data-testid=pairing-qr]");
    expect(qr.src.startsWith("data:image/png;base64,")).toBe(true);
    expect(qr.text).toBe(`${origin}/#approve=${code.replace("-", "")}`);
  });

  it("keeps the same request id and code across ten reconnects while pending", async () => {
    const gateway = await startCliGateway(cleanup, ["--name", "homelab"]);
    const page = await (await newProbedContext(suite.browser(), cleanup, "pairing")).newPage();
    await page.goto(`http://127.0.0.1:${gateway.port}/`);
    const firstCode = await readPairingCode(page);
    const seen: Array<{ code: string; requestId: string | undefined }> = [];
    for (let i = 0; i < 10; i++) {
      await page.reload();
      const code = await readPairingCode(page);
      const pairings = (await readProbe(page)).pairings;
      seen.push({ code, requestId: pairings.at(-1)?.id });
    }
    expect(seen.map((s) => s.code)).toEqual(Array.from({ length: 10 }, () => firstCode));
    const requestIds = new Set(seen.map((s) => s.requestId));
    expect(requestIds.size).toBe(1);
    const pending = cliJson<{ pending: Array<{ id: string }> }>(gateway.stateDir, ["devices", "pending"]).pending;
    expect(pending).toHaveLength(1);
    expect(requestIds.has(pending[0]!.id)).toBe(true);
  });

  it("takes the README screenshot of the pairing screen", async () => {
    // The command as a reader who installed pairgate sees it, not this checkout's path or temp state dir.
    const gateway = await startCliGateway(cleanup, ["--name", "homelab", "--cli-hint", "pairgate"]);
    const page = await (await newProbedContext(suite.browser(), cleanup, "pairing")).newPage();
    await page.goto(`http://127.0.0.1:${gateway.port}/`);
    await readPairingCode(page);
    await waitForState(page, "pending");
    // Everything that loads late must be on screen: the QR image, the pre-flight notes and the fonts.
    await page.locator("img[data-testid=pairing-qr]").waitFor({ state: "visible" });
    await page.getByTestId("preflight").waitFor({ state: "visible" });
    await page.evaluate(async () => {
      await document.fonts.ready;
      const img = document.querySelector<HTMLImageElement>("img[data-testid=pairing-qr]");
      await img?.decode();
    });
    expect((await textOf(page, "seen-from")).length).toBeGreaterThan(0);
    const png = await page.screenshot({ type: "png" });
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1200);
    expect(png.readUInt32BE(20)).toBe(800);
    const target = process.env.PAIRGATE_UPDATE_SCREENSHOTS ? README_SCREENSHOT : SCRATCH_SCREENSHOT;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, png);
  });
});
