// Guest and idle expiry on PairingService over a MemoryStore with the injected clock: every rule of the device
// lifecycle (end times from approve and invites, idle expiry, the last admin kept, the sweep and the handshake).
import { describe, expect, it } from "vitest";
import { describeAuditEntry, PairgateError, type AuditEntry } from "../../shared/index.js";
import { RevokedError, type Actor, type HelloOutcome } from "../../server/src/pairing/pairing-service.js";
import type { DeviceRecord } from "../../server/src/store/device-store.js";
import { makeTestKey, type TestKey } from "../support/test-key.js";
import { createService, helloContext, MINUTE, signHello, T0, type ServiceHarness } from "../support/pairing-harness.js";

const CLI: Actor = { name: "cli", via: "cli" };
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function hello(h: ServiceHarness, key: TestKey, invite?: string): Promise<HelloOutcome> {
  const ctx = helloContext(h.clock);
  return h.service.handleHello(signHello(key, ctx, { signedAtMs: h.clock.now(), ...(invite ? { invite } : {}) }), ctx);
}

async function approved(h: ServiceHarness, key: TestKey, opts: { role?: "admin" | "viewer"; expiresInMs?: number } = {}): Promise<DeviceRecord> {
  const outcome = await hello(h, key);
  if (outcome.kind !== "pending") throw new Error("expected a pending request");
  return h.service.approve({ code: outcome.request.code, role: opts.role ?? "viewer", ...(opts.expiresInMs ? { expiresInMs: opts.expiresInMs } : {}) }, CLI);
}

async function refusal(promise: Promise<unknown>): Promise<PairgateError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof PairgateError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return err;
}

/** A harness with one admin that never expires, so the last-admin rule stays out of the way. */
async function withAdmin(opts: Parameters<typeof createService>[0] = {}) {
  const h = createService(opts);
  const admin = await approved(h, makeTestKey(), { role: "admin" });
  return { h, admin };
}

const auditOf = async (h: ServiceHarness) => (await h.store.listAudit({ limit: 100 })) as AuditEntry[];

describe("guest devices (an end time from approve or an invite)", () => {
  it("gives an approved guest its end time, keeps welcoming it until 1 ms before, then refuses it as expired", async () => {
    const { h } = await withAdmin();
    const key = makeTestKey();
    const guest = await approved(h, key, { expiresInMs: 2 * HOUR });
    expect(guest.expiresAtMs).toBe(T0 + 2 * HOUR);

    h.clock.advance(2 * HOUR - 1);
    expect(await hello(h, key)).toMatchObject({ kind: "paired" });
    h.clock.advance(1);
    const err = await refusal(hello(h, key));
    expect(err).toBeInstanceOf(RevokedError);
    expect(err).toMatchObject({ code: "device_revoked", reason: "expired", byName: "gateway", atMs: T0 + 2 * HOUR, message: "This browser's access expired." });
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: "device.revoked", device: expect.objectContaining({ id: guest.id, revokedReason: "expired" }) }),
    );
    // A later handshake reads the reason back from the stored row.
    expect(await refusal(hello(h, key))).toMatchObject({ reason: "expired", atMs: T0 + 2 * HOUR });
  });

  it("expires a guest in the sweep exactly at its end time, once, with an audit entry that says so", async () => {
    const { h } = await withAdmin();
    const guest = await approved(h, makeTestKey(), { expiresInMs: HOUR });
    h.clock.advance(HOUR - 1);
    expect(await h.service.expireDueDevices()).toBe(0);
    h.clock.advance(1);
    expect(await h.service.expireDueDevices()).toBe(1);
    expect(await h.service.expireDueDevices()).toBe(0);
    expect(await h.store.getDevice(guest.id)).toMatchObject({ revokedAtMs: T0 + HOUR, revokedBy: "gateway", revokedReason: "expired" });
    const [entry] = await auditOf(h);
    expect(entry).toMatchObject({ action: "revoked", actor: "gateway", deviceId: guest.id, detail: { reason: "expired", expiresAtMs: T0 + HOUR } });
    expect(describeAuditEntry(entry!)).toBe(`Removed "${guest.name}" (${guest.fingerprint}): its end time passed (expired)`);
    expect(h.events.filter((e) => e.type === "device.revoked")).toHaveLength(1);
  });

  it("starts an invited guest's time when the invite is used, not when it was made", async () => {
    const { h } = await withAdmin();
    const { token } = await h.service.createInvite({ role: "viewer", deviceExpiresInMs: DAY }, CLI);
    h.clock.advance(10 * MINUTE);
    const outcome = await hello(h, makeTestKey(), token);
    expect(outcome).toMatchObject({ kind: "paired", device: { expiresAtMs: T0 + 10 * MINUTE + DAY } });
    h.clock.advance(DAY);
    expect(await h.service.expireDueDevices()).toBe(1);
  });

  it("writes the end time into the approval's audit sentence", async () => {
    const { h } = await withAdmin();
    const guest = await approved(h, makeTestKey(), { expiresInMs: HOUR });
    const approval = (await auditOf(h)).find((e) => e.action === "approved" && e.deviceId === guest.id)!;
    expect(approval.detail.expiresAtMs).toBe(T0 + HOUR);
    expect(describeAuditEntry(approval)).toMatch(/ as viewer until \d{4}-\d\d-\d\d \d\d:\d\d via the CLI$/);
  });

  it("never expires a device without an end time while idle expiry is off", async () => {
    const { h } = await withAdmin();
    const key = makeTestKey();
    await approved(h, key);
    h.clock.advance(3650 * DAY);
    expect(await h.service.expireDueDevices()).toBe(0);
    expect(await hello(h, key)).toMatchObject({ kind: "paired" });
  });
});

describe("idle expiry", () => {
  it("expires a device last seen the idle time ago, in the sweep and at the handshake, but not 1 ms sooner", async () => {
    const { h, admin } = await withAdmin({ idleExpiryMs: 90 * DAY });
    await h.store.recordLastSeen([{ deviceId: admin.id, atMs: T0 + 200 * DAY, address: "127.0.0.1", networkClass: "loopback" }]);
    const swept = await approved(h, makeTestKey());
    const keyAtDoor = makeTestKey();
    const atDoor = await approved(h, keyAtDoor);
    h.clock.advance(90 * DAY - 1);
    expect(await h.service.expireDueDevices()).toBe(0);
    expect(await hello(h, keyAtDoor)).toMatchObject({ kind: "paired" });
    h.clock.advance(1);
    expect(await refusal(hello(h, keyAtDoor))).toMatchObject({ code: "device_revoked", reason: "expired" });
    expect(await h.service.expireDueDevices()).toBe(1);
    expect(await h.store.getDevice(swept.id)).toMatchObject({ revokedReason: "expired" });
    const idle = (await auditOf(h)).find((e) => e.deviceId === atDoor.id && e.action === "revoked")!;
    expect(idle.detail).toMatchObject({ reason: "expired", idleMs: 90 * DAY });
    expect(describeAuditEntry(idle)).toBe(`Removed "${atDoor.name}" (${atDoor.fingerprint}): not seen for 90 days (expired)`);
  });

  it("counts from the last time the device was seen, not from its approval", async () => {
    const { h, admin } = await withAdmin({ idleExpiryMs: 90 * DAY });
    await h.store.recordLastSeen([{ deviceId: admin.id, atMs: T0 + 365 * DAY, address: "127.0.0.1", networkClass: "loopback" }]);
    const device = await approved(h, makeTestKey());
    await h.store.recordLastSeen([{ deviceId: device.id, atMs: T0 + 30 * DAY, address: "192.168.1.5", networkClass: "private" }]);
    h.clock.advance(119 * DAY);
    expect(await h.service.expireDueDevices()).toBe(0);
    h.clock.advance(DAY);
    expect(await h.service.expireDueDevices()).toBe(1);
  });
});

describe("the last active admin", () => {
  it("never expires, by end time or idleness, in the sweep or at the handshake", async () => {
    const h = createService({ idleExpiryMs: 90 * DAY });
    const key = makeTestKey();
    const only = await approved(h, key, { role: "admin", expiresInMs: HOUR });
    h.clock.advance(365 * DAY);
    expect(await h.service.expireDueDevices()).toBe(0);
    expect(await hello(h, key)).toMatchObject({ kind: "paired", device: { id: only.id } });
    expect(await h.store.countActiveAdmins()).toBe(1);
  });

  it("expires a guest admin while another admin remains", async () => {
    const h = createService();
    const keep = await approved(h, makeTestKey(), { role: "admin" });
    const guest = await approved(h, makeTestKey(), { role: "admin", expiresInMs: HOUR });
    h.clock.advance(HOUR);
    expect(await h.service.expireDueDevices()).toBe(1);
    expect(await h.store.getDevice(guest.id)).toMatchObject({ revokedReason: "expired" });
    expect(await h.store.getDevice(keep.id)).toMatchObject({ revokedAtMs: null });
  });

  it("of two admins due at once, expires one and keeps the other", async () => {
    const h = createService();
    const admins = [
      await approved(h, makeTestKey(), { role: "admin", expiresInMs: HOUR }),
      await approved(h, makeTestKey(), { role: "admin", expiresInMs: HOUR }),
    ];
    h.clock.advance(HOUR);
    expect(await h.service.expireDueDevices()).toBe(1);
    expect(await h.store.countActiveAdmins()).toBe(1);
    expect(await h.service.expireDueDevices()).toBe(0);
    expect((await Promise.all(admins.map((a) => h.store.getDevice(a.id)))).filter((d) => d?.revokedReason === "expired")).toHaveLength(1);
  });
});
