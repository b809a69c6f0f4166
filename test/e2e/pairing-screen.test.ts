// The pairing screen itself in real Chromium: its QR decodes to the approve link, reconnecting keeps the same
// request and code, and the README's screenshot of it is taken here.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliJson, decodeQrImage, readPairingCode, readProbe, textOf, waitForState } from "../support/browser.js";
import { REPO_ROOT } from "../support/gateway-harness.js";
import { newProbedContext, startCliGateway, useBrowserSuite } from "../support/e2e.js";

/** Where the README's image lives. Rewritten only with PAIRGATE_UPDATE_SCREENSHOTS=1, so `npm test` leaves git clean. */
const README_SCREENSHOT = join(REPO_ROOT, "docs/images/pairing-screen.png");
const SCRATCH_SCREENSHOT = join(REPO_ROOT, "test-results/pairing-screen.png");

const suite = useBrowserSuite();
const cleanup = suite.cleanup;

describe("the pairing screen", () => {
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
