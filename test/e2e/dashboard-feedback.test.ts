// What a newcomer sees after each action, in real Chromium at desktop and phone width: the approve form (viewer by
// default and again after each approval, a name field, a result that clears), the admin command on the waiting
// screen, the QR hidden on a phone, confirmations for rename and revoke, live counts and the Devices refusal on a
// viewer's home, the private-window warning, a readable audit log, and the gateway's own /whoami and 403 pages.
// axe-core finds no violation on any of these screens.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeViolations } from "../support/axe.js";
import { approveWithCli, readPairingCode, textOf, waitForState } from "../support/browser.js";
import { launchBrowser } from "../support/chromium.js";
import { REPO_ROOT } from "../support/gateway-harness.js";
import { LIVE, newProbedContext, openDevicesPage, pairAdminWithFirstStartInvite, PHONE_USER_AGENT, startCliGateway, useBrowserSuite } from "../support/e2e.js";

const suite = useBrowserSuite();
const cleanup = suite.cleanup;

/** A phone as Chromium emulates one: narrow, touch, coarse pointer. */
const PHONE = { userAgent: PHONE_USER_AGENT, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;

const SCREENSHOTS = join(REPO_ROOT, "test-results/screens");

/** The longer journeys drive two or three browsers and run axe several times; a shared 2-core machine needs room. */
const LONG_JOURNEY = { timeout: 150_000 } as const;

/** Full-page PNGs for a person to look at (test-results/ is not committed). */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function expectAccessible(page: Page, label: string): Promise<void> {
  const violations = await axeViolations(page);
  expect({ label, violations }).toEqual({ label, violations: [] });
}

/** The waiting browser's own default name, as the gateway recorded it. */
async function pendingName(admin: Page, fingerprint: string): Promise<string> {
  const row = admin.locator("[data-testid=pending-row]").filter({ hasText: fingerprint });
  await row.waitFor({ state: "visible", ...LIVE });
  return ((await row.locator(".row-title > span").first().textContent()) ?? "").trim();
}

async function expectReadableAudit(page: Page): Promise<string[]> {
  const texts = (await page.locator("[data-testid=audit-row]").allTextContents()).map((t) => t.trim());
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) {
    expect(text).not.toMatch(/[0-9a-f]{20,}/); // no device ids or hashes
    expect(text).not.toMatch(/\d{12,}/); // no epoch milliseconds
    expect(text).not.toMatch(/AtMs|: undefined|\[object/);
  }
  for (const time of await page.locator("[data-testid=audit-row] time").allTextContents()) expect(time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  return texts;
}

describe("the approve form", () => {
  it("starts at viewer, names the browser, goes back to viewer after each approval and clears its result", LONG_JOURNEY, async () => {
    const gateway = await startCliGateway(cleanup, ["--name", "homelab"]);
    const base = `http://127.0.0.1:${gateway.port}/`;
    const admin = await pairAdminWithFirstStartInvite(suite.browser(), gateway, cleanup);
    await openDevicesPage(admin.page);
    const role = admin.page.getByTestId("approve-role");
    const name = admin.page.getByTestId("approve-name-input");
    expect(await role.inputValue()).toBe("viewer");
    expect(await admin.page.getByTestId("invite-role").inputValue()).toBe("viewer");
    expect(await name.getAttribute("placeholder")).toBe("The browser's own name");
    await expectAccessible(admin.page, "Devices page, desktop");

    // Approved as admin under a name typed here.
    const first = await (await newProbedContext(suite.browser(), cleanup, "first")).newPage();
    await first.goto(base);
    const firstCode = await readPairingCode(first);
    await admin.page.getByTestId("approve-code-input").fill(firstCode);
    await name.fill("Kitchen tablet");
    await role.selectOption("admin");
    await admin.page.getByTestId("approve-submit").click();
    await waitForState(first, "paired", LIVE.timeout);
    expect((await textOf(first, "device-name")).trim()).toBe("Kitchen tablet");
    expect((await textOf(first, "device-role")).trim()).toBe("Admin");
    const result = admin.page.getByTestId("approve-result");
    expect(await result.textContent()).toMatch(/^Approved Kitchen tablet \([A-Z2-7]{4}-[A-Z2-7]{4}\) as admin\./);
    expect(await role.inputValue()).toBe("viewer");
    expect(await name.inputValue()).toBe("");
    await screenshot(admin.page, "devices-approved-desktop");

    // Typing the next code clears the old result: it no longer answers what is on screen.
    await admin.page.getByTestId("approve-code-input").fill("B");
    await result.waitFor({ state: "detached", timeout: 2000 });

    // Left empty, the name is the browser's own; left alone, the role is viewer; the result clears by itself.
    const second = await (await newProbedContext(suite.browser(), cleanup, "second", { userAgent: PHONE_USER_AGENT })).newPage();
    await second.goto(base);
    const secondCode = await readPairingCode(second);
    const ownName = await pendingName(admin.page, (await textOf(second, "fingerprint")).trim());
    expect(ownName).toBe("Chrome on Android");
    await admin.page.getByTestId("approve-code-input").fill(secondCode);
    await admin.page.getByTestId("approve-submit").click();
    await waitForState(second, "paired", LIVE.timeout);
    expect((await textOf(second, "device-name")).trim()).toBe(ownName);
    expect((await textOf(second, "device-role")).trim()).toBe("Viewer");
    await result.waitFor({ state: "visible" });
    await result.waitFor({ state: "detached", timeout: 15_000 });

    // The invite form's role also goes back to viewer after an admin invite.
    await admin.page.getByTestId("invite-role").selectOption("admin");
    await admin.page.getByTestId("invite-create").click();
    await admin.page.getByTestId("invite-created").waitFor({ state: "visible" });
    expect(await admin.page.getByTestId("invite-role").inputValue()).toBe("viewer");

    const audit = await expectReadableAudit(admin.page);
    expect(audit.some((t) => /Approved .* as admin/.test(t))).toBe(true);
    await expectAccessible(admin.page, "Devices page with an invite link, desktop");
  });
});

describe("the waiting screen", () => {
  it("shows the admin command, the QR and its caption on a desktop but not on a phone, and the private-window warning", LONG_JOURNEY, async () => {
    const gateway = await startCliGateway(cleanup, ["--name", "homelab"]);
    const base = `http://127.0.0.1:${gateway.port}/`;
    const desktop = await (await newProbedContext(suite.browser(), cleanup, "desktop")).newPage();
    await desktop.goto(base);
    const code = await readPairingCode(desktop);
    const command = (await textOf(desktop, "approve-command")).trim();
    expect(command).toContain(`devices approve ${code}`);
    expect((await textOf(desktop, "approve-admin-command")).trim()).toBe(`${command} --role admin`);
    expect(await desktop.getByTestId("pairing-qr-caption").isVisible()).toBe(true);
    await desktop.locator("img[data-testid=pairing-qr]").waitFor({ state: "visible" });

    // Premise: headless Chromium reports storage as not persisted, as a private window does.
    const isPersisted = await desktop.evaluate(() => navigator.storage.persisted());
    expect(isPersisted, "this test needs a browser that reports persisted() === false").toBe(false);
    expect(await textOf(desktop, "preflight-private")).toContain("If this is a private window, it will forget its pairing when closed");
    await expectAccessible(desktop, "pairing screen, desktop");
    await screenshot(desktop, "pairing-desktop");

    const phone = await (await newProbedContext(suite.browser(), cleanup, "phone", PHONE)).newPage();
    await phone.goto(base);
    await readPairingCode(phone);
    await phone.getByTestId("preflight").waitFor({ state: "visible" });
    expect(await phone.evaluate(() => matchMedia("(pointer: coarse)").matches)).toBe(true);
    expect(await phone.getByTestId("pairing-qr-figure").isVisible()).toBe(false);
    expect(await phone.getByTestId("pairing-qr-caption").isVisible()).toBe(false);
    expect(await phone.getByTestId("approve-admin-command").isVisible()).toBe(true);
    await expectAccessible(phone, "pairing screen, phone");
    await screenshot(phone, "pairing-phone");
  });
});

describe("feedback after each action", () => {
  it(
    "confirms a rename and a revoke, says why an empty name was not saved, keeps a viewer's counts live and tells it Devices needs admin",
    LONG_JOURNEY,
    async () => {
      const gateway = await startCliGateway(cleanup, ["--name", "homelab"]);
      const base = `http://127.0.0.1:${gateway.port}/`;
      const admin = await pairAdminWithFirstStartInvite(suite.browser(), gateway, cleanup);
      await openDevicesPage(admin.page);

      const viewer = await (await newProbedContext(suite.browser(), cleanup, "viewer", PHONE)).newPage();
      await viewer.goto(base);
      approveWithCli(gateway.stateDir, await readPairingCode(viewer), ["--role", "viewer"]);
      await waitForState(viewer, "paired", LIVE.timeout);
      const oldName = (await textOf(viewer, "device-name")).trim();
      expect(await textOf(viewer, "private-window-notice")).toContain("If this is a private window");

      // A viewer that opens #/devices stays on its home page and is told why.
      await viewer.goto(`${base}#/devices`);
      await waitForState(viewer, "paired");
      expect(await viewer.locator("main[data-page]").getAttribute("data-page")).toBe("home");
      expect(await textOf(viewer, "devices-needs-admin")).toContain("The Devices page needs an admin browser");
      await expectAccessible(viewer, "viewer home on #/devices, phone");
      await screenshot(viewer, "viewer-home-devices-refused-phone");

      // An empty name is not saved, and the form says so.
      await viewer.getByTestId("rename-button").click();
      await viewer.getByTestId("rename-input").fill("   ");
      await viewer.getByTestId("rename-save").click();
      expect(await textOf(viewer, "rename-error")).toBe(`A name can't be empty, so “${oldName}” was kept. Type a name, or press Escape to cancel.`);
      expect(await viewer.getByTestId("rename-input").isVisible()).toBe(true);
      await expectAccessible(viewer, "rename refused, phone");

      // A saved name is confirmed where it was typed, and shows on the admin's page live.
      await viewer.getByTestId("rename-input").fill("Den phone");
      await viewer.getByTestId("rename-input").press("Enter");
      expect((await textOf(viewer, "rename-done")).trim()).toBe("✓ Renamed to “Den phone”");
      expect((await textOf(viewer, "device-name")).trim()).toBe("Den phone");
      const row = admin.page.locator("[data-testid=device-row]").filter({ hasText: "Den phone" });
      await row.waitFor({ state: "visible", ...LIVE });

      // The viewer's gateway counts are live: a new browser asking to pair shows up without a reload.
      await expect.poll(async () => (await textOf(viewer, "gateway-counts")).trim(), LIVE).toBe("2 paired devices, 2 online, 0 pending requests");
      const newcomer = await (await newProbedContext(suite.browser(), cleanup, "newcomer")).newPage();
      await newcomer.goto(base);
      await readPairingCode(newcomer);
      await expect.poll(async () => (await textOf(viewer, "gateway-counts")).trim(), LIVE).toBe("2 paired devices, 2 online, 1 pending request");

      // Revoke: the row goes, and a confirmation says what happened to the device and its open tab.
      await row.getByTestId("revoke-button").click();
      await admin.page.getByTestId("confirm-ok").click();
      await waitForState(viewer, "revoked", LIVE.timeout);
      const revoked = (await textOf(admin.page, "revoke-result")).trim();
      expect(revoked).toMatch(/^Revoked Den phone \([A-Z2-7]{4}-[A-Z2-7]{4}\): 1 open tab disconnected, and its key no longer works\.$/);
      await expectAccessible(admin.page, "Devices page after a revoke, desktop");

      await expect.poll(async () => (await admin.page.locator("[data-testid=audit-row]").allTextContents()).join("\n"), LIVE).toContain('Removed "Den phone"');
      const audit = await expectReadableAudit(admin.page);
      expect(audit.some((t) => t.includes(`Renamed "${oldName}" to "Den phone"`))).toBe(true);
      await screenshot(admin.page, "devices-after-revoke-desktop");
    },
  );

  it("keeps an invite link on one line at phone width", async () => {
    const gateway = await startCliGateway(cleanup, ["--name", "homelab"]);
    const admin = await pairAdminWithFirstStartInvite(suite.browser(), gateway, cleanup);
    await admin.page.setViewportSize({ width: 390, height: 844 });
    await openDevicesPage(admin.page);
    await admin.page.getByTestId("invite-create").click();
    const link = admin.page.getByTestId("invite-link");
    await link.waitFor({ state: "visible" });
    expect((await link.textContent())?.trim()).toMatch(/#invite=[A-Za-z0-9_-]{43}$/);
    const lines = await link.evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)));
    expect(lines).toBe(1);
    await admin.page.getByTestId("invite-created").scrollIntoViewIfNeeded();
    await expectAccessible(admin.page, "Devices page with an invite link, phone");
    await screenshot(admin.page, "devices-invite-phone");
    await admin.page.getByTestId("invite-created").screenshot({ path: join(SCREENSHOTS, "invite-created-phone.png") });
  });
});

describe("the gateway's own pages", () => {
  it("shows /whoami as a styled page of the dashboard with a way back to the same waiting code", async () => {
    const gateway = await startCliGateway(cleanup, ["--name", "homelab"]);
    const page = await (await newProbedContext(suite.browser(), cleanup, "whoami")).newPage();
    await page.goto(`http://127.0.0.1:${gateway.port}/`);
    const code = await readPairingCode(page);
    await page.getByTestId("whoami-link").click();
    await page.getByTestId("whoami-facts").waitFor({ state: "visible" });
    expect(await page.title()).toBe("What the gateway sees · pairgate");
    expect(await page.getByTestId("whoami-facts").textContent()).toContain("127.0.0.1");
    expect(await page.getByTestId("whoami-diagnosis-list").textContent()).toContain("This browser can open /ws");
    expect(await page.locator("script").count()).toBe(0);
    // Styled: the inline stylesheet was allowed by the CSP (an unstyled page keeps the UA's white and serif).
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(245, 246, 248)");
    await expectAccessible(page, "/whoami, desktop");
    await screenshot(page, "whoami-desktop");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "whoami-phone");

    await page.getByTestId("back-to-dashboard").click();
    expect(await readPairingCode(page)).toBe(code);
  });

  it("answers a browser on a Host that is not allowed with a styled 403 page under the same CSP rules", async () => {
    const gateway = await startCliGateway(cleanup, ["--name", "homelab"]);
    const browser = await launchBrowser(["--host-resolver-rules=MAP rebind.example 127.0.0.1"]);
    cleanup.add("rebind browser", () => browser.close());
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    const blockedCsp: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) blockedCsp.push(message.text());
    });
    const response = await page.goto(`http://rebind.example:${gateway.port}/`);
    expect(response?.status()).toBe(403);
    const headers = response!.headers();
    expect(headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("no-referrer");
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/]{43}='/);
    expect(csp).not.toContain("unsafe-inline");
    expect(await page.locator("script").count()).toBe(0);

    expect(await page.locator("h1").textContent()).toBe("This address is not allowed");
    expect(await textOf(page, "refusal-reason")).toBe("pairgate: Host rebind.example is not allowed (add --allowed-host rebind.example)");
    expect(await page.locator("code.command").textContent()).toBe("pairgate start --allowed-host rebind.example");
    expect(await page.getByTestId("try-again").getAttribute("href")).toBe("/");
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(245, 246, 248)");
    expect(blockedCsp).toEqual([]);
    await expectAccessible(page, "403 host not allowed, phone");
    await screenshot(page, "host-refused-phone");
  });
});
