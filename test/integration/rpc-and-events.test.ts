// Issue 4: the authenticated RPCs and events of docs/protocol.md#requests-and-events over real sockets, as an admin
// dashboard uses them.
import { afterEach, describe, expect, it } from "vitest";
import type { DeviceView, DevicesChanged, DevicesListResult, GatewayStatus, InviteCreated, PendingView } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { CLI, eventsOf, expectRefusal, pairDevice, requestPairing, waitForEvent, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe("authenticated RPCs and events", () => {
  it("answers gateway.status for admins and viewers with the connection's own seenFrom", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const viewer = await pairDevice(h, { role: "viewer" });
    for (const c of [admin.client, viewer.client]) {
      const res = await c.call<GatewayStatus>("gateway.status");
      expect(res.ok).toBe(true);
      if (!res.ok) continue;
      expect(res.result.name).toBe("test-gateway");
      expect(res.result.gatewayId).toBe(h.gateway.gatewayId);
      expect(res.result.counts).toEqual({ devices: 2, pending: 0, online: 2 });
      expect(res.result.seenFrom).toEqual({ address: "127.0.0.1", networkClass: "loopback" });
    }
  });

  it("lists devices, pending requests and invites for an admin, with no pairing code or token in the list", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin", name: "Admin laptop" });
    const waiting = await requestPairing(h.url);
    const invite = await admin.client.call<InviteCreated>("invites.create", { role: "viewer", label: "for bob" });
    expect(invite.ok).toBe(true);
    const res = await admin.client.call<DevicesListResult>("devices.list");
    if (!res.ok) throw new Error(res.error.code);
    expect(res.result.devices.map((d) => [d.name, d.role, d.current, d.online])).toEqual([["Admin laptop", "admin", true, 1]]);
    expect(res.result.pending).toHaveLength(1);
    expect(res.result.pending[0]).toMatchObject({ id: waiting.pairing.request.id, fingerprint: waiting.key.fingerprint, online: true, replaces: null });
    expect(res.result.invites).toEqual([expect.objectContaining({ role: "viewer", label: "for bob", status: "active", usedAtMs: null })]);
    const text = JSON.stringify(res.result);
    expect(text).not.toContain(waiting.pairing.request.code);
    expect(text).not.toContain(waiting.pairing.request.code.replace("-", ""));
    if (invite.ok) expect(text).not.toContain(invite.result.token);
  });

  it("pushes pairing.requested, then pairing.resolved and devices.changed to every admin session when the dashboard approves", async () => {
    h = await startGateway();
    const a1 = await pairDevice(h, { role: "admin" });
    const a2 = await pairDevice(h, { role: "admin" });
    // Each admin's own frame count: a1 and a2 saw different events before this point (a1 also saw a2 being paired).
    const from = new Map([a1, a2].map((a) => [a, a.client.frames.length]));
    const { client: waiting, pairing, key } = await requestPairing(h.url);
    for (const a of [a1, a2]) {
      const requested = await waitForEvent(a.client, "pairing.requested", (d) => d.request.id === pairing.request.id);
      expect(requested.request).toMatchObject({ fingerprint: key.fingerprint, seenFrom: { address: "127.0.0.1", networkClass: "loopback" } });
      expect(JSON.stringify(requested)).not.toContain(pairing.request.code.replace("-", ""));
    }
    const approved = await a1.client.call<DeviceView>("devices.approve", { code: pairing.request.code });
    if (!approved.ok) throw new Error(approved.error.code);
    expect(approved.result).toMatchObject({ id: key.deviceId, role: "viewer", approvedVia: "dashboard", approvedBy: "Test browser" });
    const welcome = await waiting.next("welcome");
    expect(welcome.role).toBe("viewer");
    for (const a of [a1, a2]) {
      const resolved = await waitForEvent(a.client, "pairing.resolved", (d) => d.requestId === pairing.request.id);
      expect(resolved).toEqual({ requestId: pairing.request.id, outcome: "approved", deviceId: key.deviceId });
      const changed = await waitForEvent(a.client, "devices.changed", (d) => d.upserts.some((x) => x.id === key.deviceId), { from: from.get(a) });
      expect(changed.pending).toEqual([]);
      expect(changed.upserts).toEqual([expect.objectContaining({ id: key.deviceId, role: "viewer", current: false })]);
    }
  });

  it("approves from the dashboard as admin only when the role is picked explicitly", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const { client, pairing } = await requestPairing(h.url);
    const res = await admin.client.call<DeviceView>("devices.approve", { code: pairing.request.code, role: "admin", name: "Kitchen tablet" });
    expect(res.ok && res.result.role).toBe("admin");
    expect(res.ok && res.result.name).toBe("Kitchen tablet");
    expect((await client.next("welcome")).device).toMatchObject({ role: "admin", name: "Kitchen tablet" });
  });

  it("rejects a waiting browser by request id: pairing_rejected 4411 on its socket and pairing.resolved for admins", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const { client, pairing } = await requestPairing(h.url);
    const res = await admin.client.call("devices.reject", { requestId: pairing.request.id });
    expect(res).toMatchObject({ ok: true, result: {} });
    await expectRefusal(client, "pairing_rejected", 4411);
    expect(await waitForEvent(admin.client, "pairing.resolved", (d) => d.requestId === pairing.request.id)).toEqual({
      requestId: pairing.request.id,
      outcome: "rejected",
    });
    const again = await admin.client.call("devices.reject", { requestId: pairing.request.id });
    expect(again).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("revokes a device: its sockets get device.revoked, then device_revoked 4410, and admins get a new list", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin", name: "Admin" });
    const target = await pairDevice(h, { role: "viewer" });
    const second = await connectClient(h.url, target.key);
    await second.hello();
    await second.next("welcome");
    const res = await admin.client.call<{ closedConnections: number; ms: number }>("devices.revoke", { deviceId: target.key.deviceId });
    if (!res.ok) throw new Error(res.error.code);
    expect(res.result.closedConnections).toBe(2);
    for (const c of [target.client, second]) {
      const { error } = await expectRefusal(c, "device_revoked", 4410);
      expect(error.revoked?.byName).toBe("Admin");
      expect(eventsOf(c, "device.revoked")).toEqual([{ deviceId: target.key.deviceId, byName: "Admin", atMs: expect.any(Number), reason: "revoked" }]);
    }
    const changed = await waitForEvent(admin.client, "devices.changed", (d) => d.removed.some((x) => x.id === target.key.deviceId));
    expect(changed.removed).toEqual([
      { id: target.key.deviceId, name: target.welcome.device.name, fingerprint: target.key.fingerprint, approvedAtMs: expect.any(Number) },
    ]);
    const list = await admin.client.call<DevicesListResult>("devices.list", { includeRevoked: true });
    expect(list.ok && list.result.devices.find((d) => d.id === target.key.deviceId)).toMatchObject({ revokedBy: "Admin", revokedAtMs: expect.any(Number) });
    const twice = await admin.client.call("devices.revoke", { deviceId: target.key.deviceId });
    expect(twice).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("lets an admin revoke itself and closes its own socket with device_revoked 4410", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    admin.client.sendRaw(JSON.stringify({ type: "req", id: "self", method: "devices.revoke", params: { deviceId: admin.key.deviceId } }));
    await expectRefusal(admin.client, "device_revoked", 4410);
  });

  it("renames a device and sends device.updated to that device's own sessions", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const viewer = await pairDevice(h, { role: "viewer" });
    const res = await admin.client.call<DeviceView>("devices.rename", { deviceId: viewer.key.deviceId, name: "  Living room  " });
    expect(res.ok && res.result.name).toBe("Living room");
    const updated = await waitForEvent(viewer.client, "device.updated");
    expect(updated.device).toMatchObject({ id: viewer.key.deviceId, name: "Living room", current: true });
    const self = await viewer.client.call<DeviceView>("devices.rename", { deviceId: viewer.key.deviceId, name: "My TV" });
    expect(self.ok && self.result.name).toBe("My TV");
    const empty = await admin.client.call("devices.rename", { deviceId: viewer.key.deviceId, name: "   " });
    expect(empty).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    const unknown = await admin.client.call("devices.rename", { deviceId: "f".repeat(64), name: "x" });
    expect(unknown).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("creates an invite whose url carries the token in the fragment of the caller's origin, and revokes it", async () => {
    h = await startGateway();
    const origin = `http://127.0.0.1:${h.port}`;
    const admin = await pairDevice(h, { role: "admin", connect: { origin } });
    const created = await admin.client.call<InviteCreated>("invites.create", { role: "viewer", ttlMs: 120_000 });
    if (!created.ok) throw new Error(created.error.code);
    expect(created.result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.result.url).toBe(`${origin}/#invite=${created.result.token}`);
    const revoked = await admin.client.call("invites.revoke", { inviteId: created.result.inviteId });
    expect(revoked).toMatchObject({ ok: true, result: {} });
    const list = await admin.client.call<DevicesListResult>("devices.list");
    expect(list.ok && list.result.invites[0]?.status).toBe("revoked");
    const late = await connectClient(h.url, makeTestKey());
    await late.hello({ invite: created.result.token });
    await expectRefusal(late, "invite_invalid", 4413);
    expect(await admin.client.call("invites.revoke", { inviteId: created.result.inviteId })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("pages audit.list newest first with limit and beforeId", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    for (let i = 0; i < 3; i++) await admin.client.call("invites.create", { role: "viewer" });
    const first = await admin.client.call<{ entries: Array<{ id: number; action: string }> }>("audit.list", { limit: 2 });
    if (!first.ok) throw new Error(first.error.code);
    expect(first.result.entries.map((e) => e.action)).toEqual(["invite_created", "invite_created"]);
    const ids = first.result.entries.map((e) => e.id);
    expect(ids[0]).toBeGreaterThan(ids[1]!);
    const rest = await admin.client.call<{ entries: Array<{ id: number; action: string }> }>("audit.list", { beforeId: ids[1] });
    if (!rest.ok) throw new Error(rest.error.code);
    expect(rest.result.entries.map((e) => e.action)).toEqual(["invite_created", "approved", "request_created"]);
    expect(Math.max(...rest.result.entries.map((e) => e.id))).toBeLessThan(ids[1]!);
  });

  it("answers an unknown method with not_found and bad params with invalid_params, and keeps the socket open", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    expect(await admin.client.call("devices.frobnicate")).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await admin.client.call("devices.approve", { code: 42 })).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    expect(await admin.client.call("invites.create", { role: "root" })).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    expect(await admin.client.call("audit.list", { limit: 0 })).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    expect(await admin.client.call("devices.approve", { code: "BBBB-BBBB" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await admin.client.call("devices.reject", {})).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    expect((await admin.client.call("gateway.status")).ok).toBe(true);
  });

  it("shows a pending request as online only while its browser is connected", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const { client, pairing } = await requestPairing(h.url);
    const pendingOf = async () => {
      const res = await admin.client.call<DevicesListResult>("devices.list");
      return res.ok ? (res.result.pending.find((p) => p.id === pairing.request.id) as PendingView) : null;
    };
    expect((await pendingOf())?.online).toBe(true);
    client.close();
    await client.closed;
    expect((await pendingOf())?.online).toBe(false);
    await h.gateway.dispatch(CLI, "devices.approve", { code: pairing.request.code });
    expect(await pendingOf()).toBeUndefined();
  });

  it("tells admin tabs live when a pending request's last tab closes and when it comes back (the Devices page's \"Tab closed\")", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const first = await requestPairing(h.url);
    const id = first.pairing.request.id;
    const onlineIn = (d: DevicesChanged) => d.pending?.find((p) => p.id === id)?.online;
    await waitForEvent(admin.client, "devices.changed", (d) => onlineIn(d) === true);
    let from = admin.client.frames.length;
    first.client.close();
    await waitForEvent(admin.client, "devices.changed", (d) => onlineIn(d) === false, { from });
    from = admin.client.frames.length;
    await requestPairing(h.url, first.key); // the same browser reopens: same request, online again
    await waitForEvent(admin.client, "devices.changed", (d) => onlineIn(d) === true, { from });
  });
});
