// The Devices page with 10,000 paired devices in real Chromium: the list is virtualised and paged, a new device,
// a rename and a revoke reach the open tab as devices.changed diffs (never a second devices.list), and the search
// box asks the gateway.
import { join } from "node:path";
import type { Page, WebSocket as PageSocket } from "playwright-core";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../server/src/store/sqlite-store.js";
import { deviceRecord } from "../contract/device-store.contract.js";
import { approveWithCli, cliJson, readPairingCode, textOf } from "../support/browser.js";
import {
  LIVE,
  logTiming,
  newProbedContext,
  newStateDir,
  openDevicesPage,
  pairAdminWithFirstStartInvite,
  startCliGateway,
  useBrowserSuite,
} from "../support/e2e.js";

const suite = useBrowserSuite();
const cleanup = suite.cleanup;
const SEEDED = 10_000;

/** Every request the page sends and every event it receives on its gateway socket, by method and event name. */
function watchSocket(page: Page) {
  const sent: Array<{ method: string; params: Record<string, unknown> }> = [];
  const events: Array<{ event: string; data: { seq?: number } }> = [];
  page.on("websocket", (ws: PageSocket) => {
    ws.on("framesent", ({ payload }) => {
      const frame = JSON.parse(String(payload)) as { type: string; method?: string; params?: Record<string, unknown> };
      if (frame.type === "req") sent.push({ method: frame.method!, params: frame.params ?? {} });
    });
    ws.on("framereceived", ({ payload }) => {
      const frame = JSON.parse(String(payload)) as { type: string; event?: string; data?: { seq?: number } };
      if (frame.type === "event") events.push({ event: frame.event!, data: frame.data ?? {} });
    });
  });
  return { sent, events, lists: () => sent.filter((r) => r.method === "devices.list") };
}

const sectionTitle = async (page: Page) => (await page.getByTestId("devices-section").locator("h2").textContent())?.trim();

describe("the Devices page at 10,000 devices", () => {
  it("virtualises and pages the list, follows a new device, a rename and a revoke through diffs, and searches on the gateway", async () => {
    const stateDir = newStateDir(cleanup);
    const seed = new SqliteStore(join(stateDir, "pairgate.db"));
    await seed.insertDevices(Array.from({ length: SEEDED }, (_, i) => deviceRecord({ name: `seeded ${i}`, approvedAtMs: 1_764_028_800_000 + i })));
    await seed.close();
    const gateway = await startCliGateway(cleanup, [], stateDir);
    const admin = await pairAdminWithFirstStartInvite(suite.browser(), gateway, cleanup);
    const socket = watchSocket(admin.page);
    await admin.page.reload(); // so the watcher sees the page's socket from its first frame
    await admin.page.locator('[data-state="paired"]').first().waitFor();
    const clickedAtMs = Date.now();
    await openDevicesPage(admin.page);
    logTiming("Devices link click → first rows with 10,001 devices", Date.now() - clickedAtMs);

    // Virtualised: the count is of all devices, the DOM holds a screenful; the newest (the admin itself) is first.
    expect(await sectionTitle(admin.page)).toBe(`Paired devices (${SEEDED + 1})`);
    const drawn = await admin.page.locator("[data-testid=device-row]").count();
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThan(60);
    const first = admin.page.locator("[data-testid=device-row]").first();
    expect(await first.getAttribute("data-current")).toBe("true");
    const adminFingerprint = (await first.getByTestId("device-row-fingerprint").textContent())!.trim();
    expect(socket.lists()).toHaveLength(1);

    // Scrolling far down asks for further pages with the cursor and draws rows from them.
    const scroller = admin.page.getByTestId("device-scroller");
    for (let i = 0; i < 6 && socket.lists().length < 3; i++) {
      await scroller.evaluate((el) => el.scrollBy(0, el.scrollHeight));
      await admin.page.waitForTimeout(150);
    }
    await expect.poll(() => socket.lists().length, LIVE).toBeGreaterThanOrEqual(3);
    expect(
      socket
        .lists()
        .slice(1)
        .every((r) => typeof r.params.cursor === "string"),
    ).toBe(true);
    const lastDrawnIndex = async () => Number(await admin.page.locator("[data-testid=device-row]").last().getAttribute("data-index"));
    await expect.poll(lastDrawnIndex, LIVE).toBeGreaterThan(150); // rows from the second page on are drawn
    await scroller.evaluate((el) => el.scrollTo(0, 0));
    const listsBefore = socket.lists().length;

    // A new browser, approved from the CLI, appears on top by a diff.
    const newcomer = await (await newProbedContext(suite.browser(), cleanup, "newcomer")).newPage();
    await newcomer.goto(`http://127.0.0.1:${gateway.port}/`);
    const code = await readPairingCode(newcomer);
    const fingerprint = (await textOf(newcomer, "fingerprint")).trim();
    const approved = approveWithCli(gateway.stateDir, code, ["--role", "viewer"]);
    const row = admin.page.locator(`[data-testid=device-row][data-device-id="${approved.id}"]`);
    await row.waitFor({ state: "visible", ...LIVE });
    expect(await admin.page.locator("[data-testid=device-row]").first().getAttribute("data-device-id")).toBe(approved.id);
    await expect.poll(() => sectionTitle(admin.page), LIVE).toBe(`Paired devices (${SEEDED + 2})`);

    // A rename from the CLI: the row changes in place.
    cliJson(gateway.stateDir, ["devices", "rename", fingerprint, "Lab printer"]);
    await expect.poll(async () => (await row.getByTestId("device-row-name").textContent())?.trim(), LIVE).toBe("Lab printer");

    // A revoke from the CLI: the row goes, the count follows.
    cliJson(gateway.stateDir, ["devices", "revoke", approved.id]);
    await expect.poll(() => row.count(), LIVE).toBe(0);
    await expect.poll(() => sectionTitle(admin.page), LIVE).toBe(`Paired devices (${SEEDED + 1})`);

    // All of that came as numbered diffs, with no list refetch.
    expect(socket.lists()).toHaveLength(listsBefore);
    const seqs = socket.events.filter((e) => e.event === "devices.changed").map((e) => e.data.seq!);
    expect(seqs.length).toBeGreaterThanOrEqual(3);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));

    // Search: the gateway finds one device among 10,001 by name, then by fingerprint.
    const search = admin.page.getByTestId("device-search");
    const typedAtMs = Date.now();
    await search.fill("seeded 4242");
    await expect.poll(() => sectionTitle(admin.page), LIVE).toBe("Paired devices (1 matching)");
    logTiming("search typed → 1 match shown among 10,001", Date.now() - typedAtMs);
    expect(await admin.page.locator("[data-testid=device-row-name]").allTextContents()).toEqual(["seeded 4242"]);
    expect(socket.lists().at(-1)?.params.query).toBe("seeded 4242");
    expect(await admin.page.locator("[data-testid=device-row][data-current=true]").count()).toBe(0);
    await search.fill(adminFingerprint.toLowerCase());
    // The previous search also matched one device: wait for this one's row, then check the count.
    await expect.poll(() => admin.page.locator("[data-testid=device-row]").first().getAttribute("data-current"), LIVE).toBe("true");
    expect(await sectionTitle(admin.page)).toBe("Paired devices (1 matching)");
    await search.fill("");
    await expect.poll(() => sectionTitle(admin.page), LIVE).toBe(`Paired devices (${SEEDED + 1})`);
  }, 180_000); // seeding 10,000 devices and a dozen live steps; the shared machine may be busy
});
