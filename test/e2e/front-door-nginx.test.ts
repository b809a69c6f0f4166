// The front door through real nginx (auth_request, docs/front-door.md's site as written, ports swapped) in real
// Chromium: open the app's URL → pairing page → `pairgate devices approve` → back on the original URL with identity
// headers → reload stays in → revoke → the next navigation lands on the pairing page, which says who removed this
// browser. The app's WebSocket opened before the revoke stays open: nginx checked it once (docs/front-door.md,
// "What revoke cuts, and what it can't").
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startUpstreamApp } from "../fixtures/upstream-app.js";
import { approveWithCli, cliJson, readPairingCode } from "../support/browser.js";
import { frontDoorGatewayArgs, frontDoorNginxSite } from "../support/deploy/front-door-configs.js";
import { freePort, startNginx } from "../support/deploy/proxies.js";
import { LIVE, newProbedContext, startCliGateway, useBrowserSuite } from "../support/e2e.js";

const { browser, cleanup } = useBrowserSuite();

describe("front door in Chromium through nginx auth_request", () => {
  it("pairs on the way in, lands on the original URL with identity headers, stays in on reload, and a revoke sends the next navigation to the pairing page", async () => {
    const app = await startUpstreamApp();
    cleanup.add("upstream app", () => app.close());
    const gateway = await startCliGateway(cleanup, frontDoorGatewayArgs("front-door-nginx-gateway"));
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "pg-e2e-nginx-"));
    const nginx = await startNginx(dir, frontDoorNginxSite({ listenPort: port, gatewayPort: gateway.port, appPort: app.port }), { host: "127.0.0.1", port });
    cleanup.add("nginx", async () => {
      await nginx.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const base = `http://127.0.0.1:${port}`;
    const page = await (await newProbedContext(browser(), cleanup, "front door via nginx")).newPage();
    const cell = (header: string) => page.locator(`[data-header="${header}"]`).textContent();

    await page.goto(`${base}/reports/weekly?week=12&team=a`);
    expect(new URL(page.url()).pathname).toBe("/_pairgate/");
    const code = await readPairingCode(page);
    const device = approveWithCli(gateway.stateDir, code);

    await page.waitForURL(`${base}/reports/weekly?week=12&team=a`, LIVE);
    expect(await page.locator("#path").textContent()).toBe("/reports/weekly?week=12&team=a");
    expect(await cell("x-pairgate-device")).toBe(device.id);
    expect(await cell("x-pairgate-role")).toBe("viewer");
    expect(await cell("remote-user")).not.toBe("");
    await expect.poll(() => page.locator("#ws-state").textContent(), LIVE).toBe("open");

    await page.reload();
    expect(page.url()).toBe(`${base}/reports/weekly?week=12&team=a`);
    await expect.poll(() => page.locator("#ws-state").textContent(), LIVE).toBe("open");

    cliJson(gateway.stateDir, ["devices", "revoke", device.id]);
    // nginx is on that socket, not pairgate: it stays open after the revoke.
    await new Promise((r) => setTimeout(r, 500));
    expect(await page.locator("#ws-state").textContent()).toBe("open");
    expect(app.stats().wsOpen).toBe(1);

    await page.goto(`${base}/reports/weekly`);
    expect(new URL(page.url()).pathname).toBe("/_pairgate/");
    await expect.poll(() => page.getByTestId("revoked-by").textContent(), LIVE).toMatch(/Removed by cli/);
  });
});
