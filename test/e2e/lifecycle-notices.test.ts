// Device lifecycle awareness in real Chromium against a real `pairgate start`: every open admin tab shows a new
// pairing request at once (source, network class, "Review"), the notification button asks for permission only when
// pressed and then a system notification is created, and every paired tab (a viewer's too) shows "New browser
// paired: …" and lists it under recent activity. A guest approved with --expires shows its end time to admins.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { axeViolations } from "../support/axe.js";
import { approveWithCli, readPairingCode, textOf, waitForState } from "../support/browser.js";
import { LIVE, newProbedContext, openDevicesPage, pairAdminWithFirstStartInvite, startCliGateway, useBrowserSuite } from "../support/e2e.js";

const suite = useBrowserSuite();
const cleanup = suite.cleanup;

/** Records every Notification the page constructs; the real one still runs (the permission is real). */
const RECORD_NOTIFICATIONS = `(() => {
  if (typeof window.Notification !== "function") return;
  const Real = window.Notification;
  window.__notifications = [];
  class Recording extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notifications.push({ title, body: options && options.body, tag: options && options.tag });
    }
  }
  Object.defineProperty(Recording, "permission", { get: () => Real.permission });
  Recording.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Recording;
})();`;

const notifications = (page: Page) =>
  page.evaluate(() => (window as unknown as { __notifications?: Array<{ title: string; body: string; tag: string }> }).__notifications ?? null);

describe("lifecycle notices", () => {
  it("shows requests in every admin tab with a system notification, and every new pairing in every paired tab", async () => {
    const gateway = await startCliGateway(cleanup);
    const origin = `http://127.0.0.1:${gateway.port}`;
    const admin = await pairAdminWithFirstStartInvite(suite.browser(), gateway, cleanup);
    const context = admin.page.context();
    await context.addInitScript(RECORD_NOTIFICATIONS);
    await admin.page.reload();
    await waitForState(admin.page, "paired");
    expect(await notifications(admin.page), "this Chromium has no Notification API, so the permission path can't be tested").toEqual([]);
    await openDevicesPage(admin.page);
    // Never asked on load: the button shows, and the browser is asked only when it is pressed (granted here through
    // the browser context, as a person would allow it).
    const button = admin.page.getByTestId("notify-enable");
    await button.waitFor({ state: "visible" });
    await context.grantPermissions(["notifications"], { origin });
    await button.click();
    await admin.page.getByTestId("notify-on").waitFor({ state: "visible" });
    // A second admin tab of the same browser, left on its home page.
    const adminHome = await context.newPage();
    await adminHome.goto(origin);
    await waitForState(adminHome, "paired");

    // A viewer, paired through the CLI.
    const viewer = await (await newProbedContext(suite.browser(), cleanup, "viewer")).newPage();
    await viewer.goto(origin);
    approveWithCli(gateway.stateDir, await readPairingCode(viewer));
    await waitForState(viewer, "paired");
    await viewer.getByTestId("recent-activity").waitFor({ state: "visible" });

    // A new browser asks to pair: both admin tabs show it at once, with where it comes from and "Review".
    const guest = await (await newProbedContext(suite.browser(), cleanup, "guest")).newPage();
    await guest.goto(origin);
    const code = await readPairingCode(guest);
    const guestFingerprint = (await textOf(guest, "fingerprint")).trim();
    for (const page of [admin.page, adminHome]) {
      const toast = page.getByTestId("toast-pairing-request").filter({ hasText: guestFingerprint });
      await toast.waitFor({ state: "visible", ...LIVE });
      expect(await toast.textContent()).toMatch(
        new RegExp(`^New pairing request: .+ \\(${guestFingerprint}\\) from 127\\.0\\.0\\.1 \\(this machine \\(loopback\\)\\)\\. Review×$`),
      );
    }
    expect(await viewer.getByTestId("toast-pairing-request").count()).toBe(0);
    await expect
      .poll(() => notifications(admin.page), LIVE)
      .toContainEqual({
        title: "New pairing request",
        body: expect.stringContaining(`(${guestFingerprint}) from 127.0.0.1`),
        tag: expect.stringMatching(/^pairgate-request-req_/),
      });
    // The toast sits in a polite live region and took no focus; the page stays accessible with it shown.
    expect(await adminHome.evaluate(() => document.activeElement?.closest("[data-testid=toasts]") ?? null)).toBeNull();
    expect(await adminHome.getByTestId("toasts").getAttribute("aria-live")).toBe("polite");
    expect(await axeViolations(admin.page)).toEqual([]);
    await adminHome.getByTestId("toast-pairing-request").filter({ hasText: guestFingerprint }).getByTestId("toast-review").click();
    await adminHome.locator('main[data-page="devices"]').waitFor({ state: "visible" });

    // Approved as a guest for 2 hours: every paired tab hears who paired it and how.
    const device = approveWithCli(gateway.stateDir, code, ["--expires", "2h", "--name", "Kim's tablet"]);
    await waitForState(guest, "paired");
    for (const page of [viewer, admin.page]) {
      const toast = page.getByTestId("toast-new-device").filter({ hasText: device.fingerprint });
      await toast.waitFor({ state: "visible", ...LIVE });
      expect(await toast.textContent()).toContain(`New browser paired: Kim's tablet (${device.fingerprint}), by cli via the CLI`);
    }
    await viewer
      .getByTestId("recent-pairing")
      .filter({ hasText: "Kim's tablet" })
      .waitFor({ state: "visible", ...LIVE });
    expect(await textOf(viewer, "recent-activity")).toMatch(/Kim's tablet \([A-Z2-7]{4}-[A-Z2-7]{4}\) paired as viewer by cli via the CLI/);
    expect(await guest.getByTestId("toast-new-device").count()).toBe(0);
    expect(await axeViolations(viewer)).toEqual([]);

    // The admin's list shows the guest's end time and that it is active now.
    const row = admin.page.locator("[data-testid=device-row]").filter({ hasText: device.fingerprint });
    await row.waitFor({ state: "visible", ...LIVE });
    expect(await row.getByTestId("device-expires").textContent()).toMatch(/^Guest: expires in (1 h 59 min|2 h)/);
    await expect.poll(async () => (await row.getByTestId("device-last-active").textContent())?.trim(), LIVE).toBe("active now");
  });

  it("tells a guest's open tab that its access expired when its end time comes", async () => {
    const gateway = await startCliGateway(cleanup);
    const guest = await (await newProbedContext(suite.browser(), cleanup, "guest")).newPage();
    await guest.goto(`http://127.0.0.1:${gateway.port}`);
    const device = approveWithCli(gateway.stateDir, await readPairingCode(guest), ["--expires", "3s"]) as { expiresAtMs?: number | null };
    await waitForState(guest, "paired");
    // The gateway's sweep (every second) closes the tab at the end time; the tab explains why.
    await waitForState(guest, "revoked", 15_000);
    expect(Date.now()).toBeGreaterThanOrEqual(device.expiresAtMs!);
    expect(await guest.locator("h1").textContent()).toBe("This browser's access expired");
    expect(await textOf(guest, "revoked-by")).toMatch(/^Its time on this gateway ran out at \d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(await axeViolations(guest)).toEqual([]);
  });
});
