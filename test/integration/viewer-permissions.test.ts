// Issue 4: a viewer session sees gateway status and its own device, nothing else, and every admin method is
// `forbidden` for it (tested per method, with valid and invalid params) while its socket stays open.
import { afterEach, describe, expect, it } from "vitest";
import { METHOD_NAMES, METHODS, type DeviceView, type MethodName } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { CLI, pairDevice, requestPairing, waitForEvent, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const ADMIN_METHODS = METHOD_NAMES.filter((m) => METHODS[m].role === "admin");

/** Params that would succeed for an admin (ids are filled in per test), and params that fail validation. */
function paramsFor(method: MethodName, ids: { deviceId: string; code: string; requestId: string; inviteId: string }) {
  const valid: Record<string, unknown> = {
    "devices.list": {},
    "devices.approve": { code: ids.code, role: "admin" },
    "devices.reject": { requestId: ids.requestId },
    "devices.revoke": { deviceId: ids.deviceId },
    "invites.create": { role: "admin" },
    "invites.revoke": { inviteId: ids.inviteId },
    "audit.list": { limit: 10 },
    "sessions.list": {},
    "sessions.end": { deviceId: ids.deviceId },
  };
  return { valid: valid[method], invalid: { code: 7, deviceId: [], role: "root", limit: -1 } };
}

describe("viewer sessions", () => {
  it("covers every admin method of the protocol in this suite", () => {
    expect(ADMIN_METHODS.sort()).toEqual([
      "audit.list",
      "devices.approve",
      "devices.list",
      "devices.reject",
      "devices.revoke",
      "invites.create",
      "invites.revoke",
      "sessions.end",
      "sessions.list",
    ]);
  });

  it.each(ADMIN_METHODS)("answers %s from a viewer with forbidden, for valid and invalid params, and keeps the socket open", async (method) => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const viewer = await pairDevice(h, { role: "viewer" });
    const waiting = await requestPairing(h.url);
    const invite = (await h.gateway.dispatch(CLI, "invites.create", { role: "admin" })) as { inviteId: string };
    const ids = { deviceId: admin.key.deviceId, code: waiting.pairing.request.code, requestId: waiting.pairing.request.id, inviteId: invite.inviteId };
    const { valid, invalid } = paramsFor(method, ids);
    for (const params of [valid, invalid, undefined]) {
      const res = await viewer.client.call(method, params);
      expect(res).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    // Nothing happened: the admin is still active, the request still pending, the invite still usable.
    const list = (await h.gateway.dispatch(CLI, "devices.list", {})) as { devices: DeviceView[]; pending: unknown[]; invites: Array<{ status: string }> };
    expect(list.devices.map((d) => d.id).sort()).toEqual([admin.key.deviceId, viewer.key.deviceId].sort());
    expect(list.pending).toHaveLength(1);
    expect(list.invites.filter((i) => i.status === "active")).toHaveLength(1);
    expect((await viewer.client.call("gateway.status")).ok).toBe(true);
    expect(viewer.client.ws.readyState).toBe(viewer.client.ws.OPEN);
  });

  it("lets a viewer rename its own device but not another one", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin", name: "Admin" });
    const viewer = await pairDevice(h, { role: "viewer" });
    expect(await viewer.client.call("devices.rename", { deviceId: admin.key.deviceId, name: "pwned" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    const own = await viewer.client.call<DeviceView>("devices.rename", { deviceId: viewer.key.deviceId, name: "Den TV" });
    expect(own.ok && own.result).toMatchObject({ id: viewer.key.deviceId, name: "Den TV", current: true });
    const adminView = (await h.gateway.dispatch(CLI, "devices.list", {})) as { devices: DeviceView[] };
    expect(adminView.devices.find((d) => d.id === admin.key.deviceId)?.name).toBe("Admin");
  });

  it("shows a viewer only its own device and sends it none of the admin events", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const viewer = await pairDevice(h, { role: "viewer" });
    expect(viewer.welcome.device).toMatchObject({ id: viewer.key.deviceId, role: "viewer", current: true });
    expect(viewer.welcome.role).toBe("viewer");

    const { pairing } = await requestPairing(h.url);
    await waitForEvent(admin.client, "pairing.requested", (d) => d.request.id === pairing.request.id);
    await h.gateway.dispatch(CLI, "devices.approve", { code: pairing.request.code });
    await waitForEvent(admin.client, "pairing.resolved", (d) => d.requestId === pairing.request.id);
    await waitForEvent(admin.client, "devices.changed", (d) => d.upserts.length === 1);
    await h.gateway.dispatch(CLI, "invites.create", { role: "viewer" });
    await waitForEvent(admin.client, "devices.changed", (d) => d.invites?.length === 1);
    // Events are written before any later reply on the same socket, so after this round trip none can be in flight.
    expect((await viewer.client.call("gateway.status")).ok).toBe(true);
    // Only the new-device notice, which every paired tab gets so that an unexpected pairing is noticed (issue 17).
    const events = viewer.client.frames.filter((f) => f.type === "event");
    expect(events.map((f) => (f as { event: string }).event)).toEqual(["devices.paired"]);
    expect(JSON.stringify(viewer.client.frames)).not.toContain(admin.key.deviceId);
  });
});
