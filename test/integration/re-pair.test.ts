// Issue 4 / re-pair continuity (docs/design.md#pairing): a browser that lost its key pairs as a new one; when its name
// and user agent match an active device the pending view says `replaces`, and approving with replacesDeviceId revokes
// the old key and carries its name over. Only that suggested device can be replaced.
import { afterEach, describe, expect, it } from "vitest";
import type { DeviceView, DevicesListResult } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { CLI, eventually, expectRefusal, pairDevice, requestPairing, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const laptop = { name: "Firefox on Linux", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" };

/** Polls the device list (bounded) until the device shows no open session. */
async function untilOffline(harness: Harness, deviceId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const list = (await harness.gateway.dispatch(CLI, "devices.list", {})) as DevicesListResult;
    if (list.devices.find((d) => d.id === deviceId)?.online === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`device ${deviceId} still online after 2 s`);
}

describe("re-pair continuity", () => {
  it("offers replaces when a new key has the name and user agent of an active device that is offline", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin", name: "Admin" });
    const old = await pairDevice(h, { role: "viewer", hello: { client: laptop } });
    await h.gateway.dispatch(CLI, "devices.rename", { deviceId: old.key.deviceId, name: laptop.name }); // unchanged name, still a match
    const fresh = await requestPairing(h.url, makeTestKey(), { hello: { client: laptop } });
    const other = await requestPairing(h.url, makeTestKey(), { hello: { client: { ...laptop, userAgent: "Chrome/140" } } });
    const pendingOf = async (requestId: string) => {
      const list = await admin.client.call<DevicesListResult>("devices.list");
      if (!list.ok) throw new Error(list.error.code);
      return list.result.pending.find((p) => p.id === requestId);
    };
    // Online, the old device is in use: it is not offered for replacement.
    expect((await pendingOf(fresh.pairing.request.id))?.replaces).toBeNull();
    old.client.close();
    await untilOffline(h, old.key.deviceId);
    expect((await pendingOf(fresh.pairing.request.id))?.replaces).toEqual({ deviceId: old.key.deviceId, name: laptop.name, fingerprint: old.key.fingerprint });
    expect((await pendingOf(other.pairing.request.id))?.replaces).toBeNull();
  });

  it("never offers the approver's own device, which is online while it approves", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin", hello: { client: laptop } });
    const fresh = await requestPairing(h.url, makeTestKey(), { hello: { client: laptop } });
    const list = await admin.client.call<DevicesListResult>("devices.list");
    if (!list.ok) throw new Error(list.error.code);
    expect(list.result.pending.find((p) => p.id === fresh.pairing.request.id)?.replaces).toBeNull();
    expect(((await h.gateway.dispatch(CLI, "devices.list", {})) as DevicesListResult).pending[0]?.replaces).toBeNull();
  });

  it("revokes the old key and carries its name over when the approval says replacesDeviceId", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin", name: "Admin" });
    const old = await pairDevice(h, { role: "viewer", hello: { client: laptop } });
    const fresh = await requestPairing(h.url, makeTestKey(), { hello: { client: laptop } });
    // While the old browser is online it is in use: it can't be replaced.
    const inUse = await admin.client.call<DeviceView>("devices.approve", { code: fresh.pairing.request.code, replacesDeviceId: old.key.deviceId });
    expect(inUse).toMatchObject({ ok: false, error: { code: "invalid_params", message: expect.stringContaining("replaces no device") } });
    old.client.close();
    await untilOffline(h, old.key.deviceId);
    // Only the device the request suggested may be replaced (issue 11): never the admin, whatever the id says.
    const wrong = await admin.client.call<DeviceView>("devices.approve", { code: fresh.pairing.request.code, replacesDeviceId: admin.key.deviceId });
    expect(wrong).toMatchObject({ ok: false, error: { code: "invalid_params", message: expect.stringContaining(`only replace ${laptop.name}`) } });
    const res = await admin.client.call<DeviceView>("devices.approve", { code: fresh.pairing.request.code, replacesDeviceId: old.key.deviceId });
    if (!res.ok) throw new Error(res.error.code);
    expect(res.result).toMatchObject({ id: fresh.key.deviceId, name: laptop.name, role: "viewer" });
    expect((await fresh.client.next("welcome")).device.name).toBe(laptop.name);
    const back = await connectClient(h.url, old.key); // the replaced key is refused from now on
    await back.hello();
    const { error } = await expectRefusal(back, "device_revoked", 4410);
    expect(error.revoked?.byName).toBe("Admin");
    const all = (await h.gateway.dispatch(CLI, "devices.list", { includeRevoked: true })) as DevicesListResult;
    expect(all.devices.find((d) => d.id === old.key.deviceId)).toMatchObject({ revokedBy: "Admin" });
    const audit = (await h.gateway.dispatch(CLI, "audit.list", { limit: 2 })) as {
      entries: Array<{ action: string; deviceId?: string; detail: Record<string, unknown> }>;
    };
    expect(audit.entries.map((e) => [e.action, e.deviceId])).toEqual([
      ["revoked", old.key.deviceId],
      ["approved", fresh.key.deviceId],
    ]);
    expect(audit.entries[0]!.detail).toMatchObject({ reason: "replaced", by: fresh.key.deviceId, via: "dashboard" });
  });

  it("refuses to replace a device that is not active, and leaves the request pending", async () => {
    h = await startGateway();
    const old = await pairDevice(h, { role: "viewer" });
    await h.gateway.dispatch(CLI, "devices.revoke", { deviceId: old.key.deviceId });
    const fresh = await requestPairing(h.url);
    await expect(h.gateway.dispatch(CLI, "devices.approve", { code: fresh.pairing.request.code, replacesDeviceId: old.key.deviceId })).rejects.toMatchObject({
      code: "invalid_params",
    });
    const ok = (await h.gateway.dispatch(CLI, "devices.approve", { code: fresh.pairing.request.code })) as DeviceView;
    expect(ok.id).toBe(fresh.key.deviceId);
  });
});
