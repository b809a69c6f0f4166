// The Devices page's "App sessions" card in real Chromium: each device's session count and last use, and "End
// sessions", which ends them on the gateway (the CLI agrees) and leaves the device paired. Sessions are seeded
// into the store before the gateway starts; test/integration/front-door-proxies.test.ts makes them as browsers do.
import { describe, expect, it } from "vitest";
import type { AppSessionView } from "../../shared/index.js";
import { axeViolations } from "../support/axe.js";
import { cliJson } from "../support/browser.js";
import { seedDevice, seedSession, seedStore } from "../support/seed-sessions.js";
import { LIVE, newStateDir, openDevicesPage, pairAdminWithFirstStartInvite, startCliGateway, useBrowserSuite } from "../support/e2e.js";

const suite = useBrowserSuite();

describe("app sessions on the Devices page", () => {
  it("shows each device's count and last use, and ends them with one click while the device stays paired", async () => {
    const now = Date.now();
    const tablet = seedDevice("Kitchen tablet", now);
    const phone = seedDevice("Phone", now);
    const stateDir = newStateDir(suite.cleanup);
    await seedStore(
      stateDir,
      [tablet, phone],
      [
        seedSession("ses_t1", tablet.id, now - 10 * 60_000),
        seedSession("ses_t2", tablet.id, now - 3 * 60_000),
        seedSession("ses_p1", phone.id, now - 30 * 60_000),
      ],
    );
    const gateway = await startCliGateway(suite.cleanup, [], stateDir);
    const admin = await pairAdminWithFirstStartInvite(suite.browser(), gateway, suite.cleanup);
    await openDevicesPage(admin.page);

    const card = admin.page.getByTestId("app-sessions-section");
    const tabletRow = card.locator(`[data-testid=app-session-row][data-device-id="${tablet.id}"]`);
    await tabletRow.waitFor({ state: "visible", ...LIVE });
    expect((await tabletRow.getByTestId("app-session-count").textContent())?.trim()).toBe("2 app sessions");
    expect(await tabletRow.textContent()).toContain("Kitchen tablet");
    expect(await tabletRow.textContent()).toContain("last used 3 min ago");
    const phoneRow = card.locator(`[data-testid=app-session-row][data-device-id="${phone.id}"]`);
    expect((await phoneRow.getByTestId("app-session-count").textContent())?.trim()).toBe("1 app session");
    // Most recently used device first.
    expect(await card.locator("[data-testid=app-session-row]").first().getAttribute("data-device-id")).toBe(tablet.id);
    expect(await axeViolations(admin.page)).toEqual([]);

    await tabletRow.getByRole("button", { name: "End sessions of Kitchen tablet" }).click();
    await tabletRow.waitFor({ state: "detached", ...LIVE });
    const left = cliJson<{ sessions: AppSessionView[] }>(gateway.stateDir, ["sessions", "list"]).sessions;
    expect(left.map((s) => s.id)).toEqual(["ses_p1"]);
    const devices = cliJson<{ devices: Array<{ id: string }> }>(gateway.stateDir, ["devices", "list"]).devices;
    expect(devices.map((d) => d.id)).toContain(tablet.id);

    await phoneRow.getByTestId("app-sessions-end").click();
    await card.getByTestId("app-sessions-empty").waitFor({ state: "visible", ...LIVE });
    expect(await axeViolations(admin.page)).toEqual([]);
  });
});
