// When a proxy changes the Host, the gateway refuses the page's WebSocket (CSWSH check, docs/design.md#http-and-trust).
// A browser can't read why an upgrade got a 403, so the unreachable screen asks GET /whoami and says which flag to add.
import { describe, expect, it } from "vitest";
import { readPairingCode, startForwardingProxy, waitForState } from "../support/browser.js";
import { CODE_SHAPE, newProbedContext, startCliGateway, useBrowserSuite } from "../support/e2e.js";

const suite = useBrowserSuite();
const cleanup = suite.cleanup;

describe("a refused origin explained in the browser", () => {
  it("shows the --allowed-origin to add, and pairs once the gateway allows that origin", async () => {
    const refusing = await startCliGateway(cleanup, ["--trusted-proxy", "127.0.0.1/32"]);
    const proxy = await startForwardingProxy(refusing.port, "172.18.0.1", { rewriteHost: true });
    cleanup.add("proxy", () => proxy.close());
    const page = await (await newProbedContext(suite.browser(), cleanup, "refused")).newPage();
    await page.goto(`${proxy.url}/`);
    await waitForState(page, "unreachable");
    const diagnosis = page.locator("[data-testid=whoami-diagnosis]");
    await diagnosis.waitFor({ state: "visible", timeout: 10_000 });
    expect(await diagnosis.textContent()).toContain(`--allowed-origin ${proxy.url}`);
    expect(await page.locator("[data-testid=whoami-link]").getAttribute("href")).toBe(`whoami?origin=${encodeURIComponent(proxy.url)}`);

    const allowing = await startCliGateway(cleanup, ["--trusted-proxy", "127.0.0.1/32", "--allowed-origin", proxy.url]);
    proxy.retarget(allowing.port);
    await page.reload();
    expect(await readPairingCode(page)).toMatch(CODE_SHAPE);
    expect(await page.locator("[data-testid=whoami-diagnosis]").count()).toBe(0);
  });
});
