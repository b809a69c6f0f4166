// Device lifecycle through a real gateway on port 0 with real sockets and an injected clock: a guest's sockets
// closing at its end time with the reason, the protocol's refusal of bad lifetimes, new-device notices for every
// paired tab, the recent pairings list, and the refusal-burst alert for admin tabs.
import { afterEach, describe, expect, it } from "vitest";
import { type AuditEntry, type ErrorFrame } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { CLI, eventsOf, expectRefusal, manualClock, pairDevice, requestPairing, waitForEvent, type Harness } from "../support/sessions.js";

const HOUR = 3_600_000;

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe("guest devices", () => {
  it("closes a guest's open tab at its end time with device_revoked and reason expired, and tells admins", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now });
    const admin = await pairDevice(h, { role: "admin", hello: { signedAtMs: clock.now() } });
    const { client, pairing } = await requestPairing(h.url, makeTestKey(), { hello: { signedAtMs: clock.now() } });
    const view = (await h.gateway.dispatch(CLI, "devices.approve", { code: pairing.request.code, expiresInMs: 2 * HOUR })) as {
      id: string;
      expiresAtMs: number;
    };
    expect(view.expiresAtMs).toBe(clock.now() + 2 * HOUR);
    const welcome = await client.next("welcome");
    expect(welcome.device.expiresAtMs).toBe(view.expiresAtMs);

    clock.advance(2 * HOUR - 1);
    expect(await h.gateway.sweepDevices()).toBe(0);
    clock.advance(1);
    expect(await h.gateway.sweepDevices()).toBe(1);
    expect(await waitForEvent(client, "device.revoked")).toMatchObject({ deviceId: view.id, byName: "gateway", reason: "expired" });
    const { error } = await expectRefusal(client, "device_revoked", 4410);
    expect((error as ErrorFrame).revoked).toMatchObject({ byName: "gateway", reason: "expired" });
    expect((error as ErrorFrame).message).toBe("This browser's access expired.");
    const changed = await waitForEvent(admin.client, "devices.changed", (d) => d.removed.some((r) => r.id === view.id));
    expect(changed.removed).toHaveLength(1);

    const { entries } = (await h.gateway.dispatch(CLI, "audit.list", { limit: 1 })) as { entries: AuditEntry[] };
    expect(entries[0]).toMatchObject({ action: "revoked", actor: "gateway", deviceId: view.id, detail: { reason: "expired" } });
    const all = (await h.gateway.dispatch(CLI, "devices.list", { includeRevoked: true })) as { devices: Array<{ id: string; revokedReason?: string }> };
    expect(all.devices.find((d) => d.id === view.id)).toMatchObject({ revokedReason: "expired" });
  });

  it("refuses bad lifetimes with invalid_params and the path, approving nothing", async () => {
    h = await startGateway();
    const { pairing } = await requestPairing(h.url);
    for (const expiresInMs of [0, -3 * HOUR, 11 * 365 * 24 * HOUR, 1.5]) {
      await expect(h.gateway.dispatch(CLI, "devices.approve", { code: pairing.request.code, expiresInMs })).rejects.toMatchObject({
        code: "invalid_params",
        path: ["expiresInMs"],
      });
    }
    await expect(h.gateway.dispatch(CLI, "invites.create", { role: "viewer", deviceExpiresInMs: 0 })).rejects.toMatchObject({
      code: "invalid_params",
      path: ["deviceExpiresInMs"],
    });
    expect(((await h.gateway.dispatch(CLI, "devices.list", {})) as { devices: unknown[] }).devices).toEqual([]);
  });

  it("gives a device paired by a guest invite its lifetime from the moment of pairing", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now });
    const invite = (await h.gateway.dispatch(CLI, "invites.create", { role: "viewer", deviceExpiresInMs: 24 * HOUR })) as { token: string };
    clock.advance(60_000);
    const client = await connectClient(h.url, makeTestKey());
    await client.hello({ invite: invite.token, signedAtMs: clock.now() });
    expect((await client.next("welcome")).device.expiresAtMs).toBe(clock.now() + 24 * HOUR);
    client.close();
  });
});

describe("new-device notices", () => {
  it("tells every paired tab, viewers included, who paired which browser and how; the new tab is not told about itself", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const viewer = await pairDevice(h, { role: "viewer" });
    const fresh = await pairDevice(h, { role: "viewer", name: "Kim's phone" });
    const notice = { name: "Kim's phone", fingerprint: fresh.device.fingerprint, role: "viewer", approvedBy: "cli", approvedVia: "cli" };
    expect(await waitForEvent(viewer.client, "devices.paired", (d) => d.device.id === fresh.device.id)).toEqual({ device: expect.objectContaining(notice) });
    expect(await waitForEvent(admin.client, "devices.paired", (d) => d.device.id === fresh.device.id)).toEqual({ device: expect.objectContaining(notice) });
    expect(eventsOf(fresh.client, "devices.paired")).toEqual([]);

    const invite = (await h.gateway.dispatch(CLI, "invites.create", { role: "viewer", label: "Guest tablet" })) as { token: string };
    const invited = await connectClient(h.url, makeTestKey());
    await invited.hello({ invite: invite.token });
    await invited.next("welcome");
    expect(await waitForEvent(viewer.client, "devices.paired", (d) => d.device.name === "Guest tablet")).toMatchObject({ device: { approvedVia: "invite" } });
    invited.close();

    // A viewer may read the recent pairings (names and who approved them), newest first.
    const recent = await viewer.client.call("devices.recent", { limit: 2 });
    expect(recent).toMatchObject({
      ok: true,
      result: {
        paired: [
          { name: "Guest tablet", approvedVia: "invite" },
          { name: "Kim's phone", approvedVia: "cli" },
        ],
      },
    });
  });
});

describe("refusal bursts", () => {
  it("alerts admin tabs once per burst of refused handshakes from one source, and writes one audit entry", async () => {
    h = await startGateway({ settings: { alertRefusals: 3, failuresBeforeBackoff: 100 } });
    const admin = await pairDevice(h, { role: "admin" });
    const viewer = await pairDevice(h, { role: "viewer" });
    for (let i = 0; i < 5; i++) {
      const bad = await connectClient(h.url, makeTestKey());
      await bad.hello({ signature: "A".repeat(86) });
      await expectRefusal(bad, "auth_failed", 4401);
    }
    const alert = await waitForEvent(admin.client, "gateway.alert");
    expect(alert).toMatchObject({ kind: "refusal_burst", address: "127.0.0.1", networkClass: "loopback", count: 3, windowMs: 60_000 });
    expect(eventsOf(admin.client, "gateway.alert")).toHaveLength(1);
    expect(eventsOf(viewer.client, "gateway.alert")).toEqual([]);
    const { entries } = (await h.gateway.dispatch(CLI, "audit.list", { limit: 20 })) as { entries: AuditEntry[] };
    expect(entries.filter((e) => e.action === "refusal_burst")).toEqual([
      expect.objectContaining({ actor: "127.0.0.1", detail: { address: "127.0.0.1", networkClass: "loopback", count: 3, windowMs: 60_000 } }),
    ]);
  });
});
