// Invite links in real Chromium: an admin makes a viewer invite on the Devices page; the first browser that opens
// it is paired with no approval and the token leaves the address bar; a second browser with the same link is told
// the invite is spent and gets a code instead. Nothing secret reaches the gateway's log.
import { describe, expect, it } from "vitest";
import { decodeQrImage, readPairingCode, readProbe, textOf, waitForState } from "../support/browser.js";
import {
  CODE_SHAPE,
  expectNoSecretsInOutput,
  LIVE,
  newProbedContext,
  openDevicesPage,
  pairAdminWithFirstStartInvite,
  PHONE_USER_AGENT,
  startCliGateway,
  useBrowserSuite,
} from "../support/e2e.js";

const suite = useBrowserSuite();
const cleanup = suite.cleanup;

describe("invite links", () => {
  it("pair the first browser that opens a viewer invite with no approval, strip the token from the address bar, and send a second browser to code pairing", async () => {
    const gateway = await startCliGateway(cleanup, ["--name", "homelab"]);
    const origin = `http://127.0.0.1:${gateway.port}`;
    const admin = await pairAdminWithFirstStartInvite(suite.browser(), gateway, cleanup);
    await openDevicesPage(admin.page);

    await admin.page.getByTestId("invite-role").selectOption("viewer");
    await admin.page.getByTestId("invite-create").click();
    const link = (await textOf(admin.page, "invite-link")).trim();
    expect(link).toMatch(new RegExp(`^${origin.replace(/[.]/g, "\\.")}/#invite=[A-Za-z0-9_-]{43}$`));
    const token = link.slice(link.indexOf("#invite=") + "#invite=".length);
    await admin.page.locator("img[data-testid=invite-qr]").waitFor({ state: "visible" });
    expect((await decodeQrImage(admin.page, "img[data-testid=invite-qr]")).text).toBe(link);
    const inviteRow = admin.page.locator("[data-testid=invite-row]").first();
    await expect.poll(() => inviteRow.getAttribute("data-status"), LIVE).toBe("active");

    // The first browser to open the link is paired as a viewer, never shows a code, and keeps no token in the URL.
    const guest = await (await newProbedContext(suite.browser(), cleanup, "guest", { userAgent: PHONE_USER_AGENT })).newPage();
    await guest.goto(link);
    await waitForState(guest, "paired", LIVE.timeout);
    expect(guest.url()).toBe(`${origin}/`);
    expect(guest.url()).not.toContain("invite=");
    expect(await guest.evaluate(() => window.location.hash)).toBe("");
    expect((await readProbe(guest)).stateOrder).not.toContain("pending");
    expect((await textOf(guest, "device-role")).trim()).toBe("Viewer");
    const guestFingerprint = (await textOf(guest, "device-fingerprint")).trim();

    // The admin's page shows the new device and the spent invite, live.
    const guestRow = admin.page.locator("[data-testid=device-row]").filter({ hasText: guestFingerprint });
    await guestRow.waitFor({ state: "visible", ...LIVE });
    expect((await guestRow.getByTestId("device-role-badge").textContent())?.trim()).toBe("Viewer");
    expect(await guestRow.textContent()).toContain("an invite link");
    await expect.poll(() => inviteRow.getAttribute("data-status"), LIVE).toBe("used");

    // A second browser with the same link: invite_invalid (4413), then its own code, with the reason on screen.
    const second = await (await newProbedContext(suite.browser(), cleanup, "second")).newPage();
    await second.goto(link);
    const code = await readPairingCode(second);
    expect(code).toMatch(CODE_SHAPE);
    expect(await textOf(second, "invite-notice")).toMatch(/already used or expired/);
    expect((await readProbe(second)).closes.map((c) => c.code)).toContain(4413);
    expect(second.url()).not.toContain("invite=");
    expect((await readProbe(second)).stateOrder).not.toContain("paired");

    expectNoSecretsInOutput(gateway, { codes: [code], tokens: [token], firstStartToken: admin.firstStartToken });
  });
});
