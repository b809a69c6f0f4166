// The front door in real Chromium, through the real CLI: open the app's URL → pairing page → `pairgate devices
// approve` → back on the original URL with identity headers from the built-in proxy → reload stays in → a lost
// session is renewed by the key alone → revoke →
// the app's open WebSocket closes and the next navigation shows who removed this browser.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { approveWithCli, cliJson, readPairingCode, textOf } from "../support/browser.js";
import { LIVE, newProbedContext, startCliGateway, useBrowserSuite } from "../support/e2e.js";

const { browser, cleanup } = useBrowserSuite();

/** An app that knows nothing of pairgate: its page shows the identity headers it got and keeps a WebSocket open. */
async function startApp(): Promise<string> {
  const server: Server = createServer((req, res) => {
    const page = `<!doctype html><meta charset="utf-8"><title>app</title>
<p>user: <span data-testid="user">${String(req.headers["remote-user"] ?? "")}</span></p>
<p>role: <span data-testid="role">${String(req.headers["x-pairgate-role"] ?? "")}</span></p>
<p>path: <span data-testid="path">${String(req.url)}</span></p>
<p>ws: <span data-testid="ws">connecting</span></p>
<script>
  const out = document.querySelector('[data-testid=ws]');
  const ws = new WebSocket(location.origin.replace('http', 'ws') + '/live');
  ws.onmessage = (e) => { out.textContent = 'open as ' + e.data; };
  ws.onclose = () => { out.textContent = 'closed'; };
</script>`;
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(page);
  });
  const wss = new WebSocketServer({ server });
  wss.on("connection", (ws, req) => ws.send(String(req.headers["x-pairgate-device"] ?? "none")));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.add("upstream app", async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("front door in Chromium (built-in proxy)", () => {
  it("pairs on the way in, lands on the original URL with identity headers, stays in on reload, and is cut off by revoke", async () => {
    const app = await startApp();
    const gateway = await startCliGateway(cleanup, ["--upstream", app]);
    const base = `http://127.0.0.1:${gateway.port}`;
    const context = await newProbedContext(browser(), cleanup, "front door");
    const page = await context.newPage();

    await page.goto(`${base}/reports/weekly?week=12`);
    expect(new URL(page.url()).pathname).toBe("/_pairgate/");
    const code = await readPairingCode(page);
    const device = approveWithCli(gateway.stateDir, code);

    // No click, no reload by hand: welcome → ticket → cookie → back to rd.
    await page.waitForURL(`${base}/reports/weekly?week=12`, LIVE);
    expect(await textOf(page, "path")).toBe("/reports/weekly?week=12");
    expect(await textOf(page, "role")).toBe("viewer");
    expect(await textOf(page, "user")).not.toBe("");
    await expect.poll(() => textOf(page, "ws"), LIVE).toBe(`open as ${device.id}`);
    const cookies = await context.cookies(base);
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([["pairgate_session", true, "Lax"]]);

    await page.reload();
    expect(page.url()).toBe(`${base}/reports/weekly?week=12`);
    await expect.poll(() => textOf(page, "ws"), LIVE).toBe(`open as ${device.id}`);

    // A session gone (expired, or ended by an admin) is renewed by the key alone: no code, no approval.
    await context.clearCookies();
    await page.goto(`${base}/reports/daily`);
    await page.waitForURL(`${base}/reports/daily`, LIVE);
    expect(await textOf(page, "path")).toBe("/reports/daily");
    await expect.poll(() => textOf(page, "ws"), LIVE).toBe(`open as ${device.id}`);

    cliJson(gateway.stateDir, ["devices", "revoke", device.id]);
    await expect.poll(() => textOf(page, "ws"), LIVE).toBe("closed");
    await page.goto(`${base}/reports/weekly`);
    expect(new URL(page.url()).pathname).toBe("/_pairgate/");
    expect(await textOf(page, "revoked-by", LIVE.timeout)).toMatch(/Removed by cli/);
  });
});
