// An admin browser manages another browser from the Devices page, and each step shows live in both:
// approve by code (as viewer), rename, revoke (4410 within a second), and "pair again" with a new key.
import { describe, expect, it } from "vitest";
import { cliJson, readPairingCode, readProbe, textOf, waitForState } from "../support/browser.js";
import {
  expectNoSecretsInOutput,
  LIVE,
  logTiming,
  newProbedContext,
  openDevicesPage,
  pairAdminWithFirstStartInvite,
  PHONE_USER_AGENT,
  startCliGateway,
  useBrowserSuite,
} from "../support/e2e.js";

const suite = useBrowserSuite();
const cleanup = suite.cleanup;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("managing devices from an admin browser", () => {
  it("approves a new browser's code as a viewer, renames it and revokes it, and the new browser follows every step live", async () => {
    const gateway = await startCliGateway(cleanup, ["--name", "homelab"]);
    const base = `http://127.0.0.1:${gateway.port}/`;
    const admin = await pairAdminWithFirstStartInvite(suite.browser(), gateway, cleanup);
    await openDevicesPage(admin.page);

    const phone = await (
      await newProbedContext(suite.browser(), cleanup, "phone", { userAgent: PHONE_USER_AGENT, viewport: { width: 390, height: 844 } })
    ).newPage();
    await phone.goto(base);
    const code = await readPairingCode(phone);
    const fingerprint = (await textOf(phone, "fingerprint")).trim();

    // The request shows up on the admin's page by itself, identified by fingerprint (its code is not listed).
    const pendingRow = admin.page.locator("[data-testid=pending-row]").filter({ hasText: fingerprint });
    await pendingRow.waitFor({ state: "visible", ...LIVE });
    expect(await pendingRow.textContent()).not.toContain(code);

    await admin.page.getByTestId("approve-code-input").fill(code);
    await admin.page.getByTestId("approve-role").selectOption("viewer");
    const approveClickedAtMs = Date.now();
    await admin.page.getByTestId("approve-submit").click();
    await waitForState(phone, "paired", LIVE.timeout);
    logTiming('dashboard Approve click → "paired" on the new browser', (await readProbe(phone)).firstSeenAtMs.paired! - approveClickedAtMs);
    expect((await readProbe(phone)).stateOrder).toEqual(["connecting", "pending", "paired"]);
    expect((await textOf(phone, "device-role")).trim()).toBe("Viewer");
    expect((await textOf(phone, "device-fingerprint")).trim()).toBe(fingerprint);
    // A viewer gets no Devices page.
    expect(await phone.getByTestId("nav-devices").count()).toBe(0);

    // The admin's list shows it live, and the request has left the waiting list.
    const row = admin.page.locator("[data-testid=device-row]").filter({ hasText: fingerprint });
    await row.waitFor({ state: "visible", ...LIVE });
    expect((await row.getByTestId("device-role-badge").textContent())?.trim()).toBe("Viewer");
    await expect.poll(() => pendingRow.count(), LIVE).toBe(0);
    const deviceId = await row.getAttribute("data-device-id");
    expect(deviceId).toMatch(/^[0-9a-f]{64}$/);

    // Rename: the new browser shows the new name without a reload.
    await row.getByTestId("rename-button").click();
    await row.getByTestId("rename-input").fill("Kitchen tablet");
    await row.getByTestId("rename-input").press("Enter");
    await expect.poll(async () => (await phone.getByTestId("device-name").textContent())?.trim(), LIVE).toBe("Kitchen tablet");
    await expect.poll(async () => (await row.getByTestId("device-row-name").textContent())?.trim(), LIVE).toBe("Kitchen tablet");

    // Revoke through the confirm dialog: the new browser shows the removal screen within a second, closed with 4410.
    await row.getByTestId("revoke-button").click();
    const dialog = admin.page.getByTestId("confirm-dialog");
    await dialog.waitFor({ state: "visible" });
    expect(await dialog.textContent()).toContain("Kitchen tablet");
    const revokeClickedAtMs = Date.now();
    await dialog.getByTestId("confirm-ok").click();
    await waitForState(phone, "revoked", LIVE.timeout);
    const afterRevoke = await readProbe(phone);
    const revokeMs = afterRevoke.firstSeenAtMs.revoked! - revokeClickedAtMs;
    logTiming("dashboard Revoke confirm → removal screen on the revoked browser", revokeMs);
    expect(revokeMs).toBeLessThan(1000);
    // The removal screen follows the device.revoked event; the 4410 close comes right after it, so wait for it.
    await expect.poll(async () => (await readProbe(phone)).closes.at(-1)?.code, LIVE).toBe(4410);
    expect((await textOf(phone, "error-code")).trim()).toBe("device_revoked (4410)");
    expect((await textOf(phone, "revoked-by")).trim()).toMatch(new RegExp(`^Removed by ${escapeRegExp(admin.name)} at \\S.*$`));
    await expect.poll(() => admin.page.locator(`[data-testid=device-row][data-device-id="${deviceId}"]`).count(), LIVE).toBe(0);
    await dialog.waitFor({ state: "detached" });

    // The audit log on the same page has followed along: approved, renamed, removed; and it never shows a code.
    for (const action of ["approved", "renamed", "revoked"]) {
      await admin.page
        .locator(`[data-testid=audit-row][data-action="${action}"]`)
        .first()
        .waitFor({ state: "visible", ...LIVE });
    }
    const auditText = (await admin.page.locator("[data-testid=audit-row]").allTextContents()).join("\n");
    expect(auditText).not.toContain(code);
    expect(auditText).not.toContain(code.replace("-", ""));

    // "Pair again" makes a new key: a new fingerprint and a new code, waiting for approval again.
    await phone.getByTestId("pair-again").click();
    await expect.poll(async () => (await readProbe(phone)).pairings.length, { timeout: 10_000 }).toBeGreaterThan(afterRevoke.pairings.length);
    const newCode = await readPairingCode(phone);
    const newFingerprint = (await textOf(phone, "fingerprint")).trim();
    expect(newCode).not.toBe(code);
    expect(newFingerprint).not.toBe(fingerprint);
    await admin.page
      .locator("[data-testid=pending-row]")
      .filter({ hasText: newFingerprint })
      .waitFor({ state: "visible", ...LIVE });

    const all = cliJson<{ devices: Array<{ id: string; name: string; revokedAtMs?: number }> }>(gateway.stateDir, ["devices", "list", "--all"]).devices;
    expect(all.find((d) => d.id === deviceId)).toMatchObject({ name: "Kitchen tablet", revokedAtMs: expect.any(Number) });

    expectNoSecretsInOutput(gateway, { codes: [code, newCode], tokens: [], firstStartToken: admin.firstStartToken });
  });
});
