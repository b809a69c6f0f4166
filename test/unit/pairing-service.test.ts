// The pairing rules of docs/protocol.md#handshake, docs/design.md#pairing, on PairingService over a MemoryStore with an
// injected clock: stable requests per key, pending and rate limits, one winner per code, replacement, invites,
// revocation, expiry.
import { describe, expect, it } from "vitest";
import { formatCode, PairgateError, type ErrorCode } from "../../shared/index.js";
import { WindowCounter } from "../../server/src/gateway/limits.js";
import { RevokedError, type Actor, type HelloOutcome } from "../../server/src/pairing/pairing-service.js";
import type { DeviceRecord, PendingRecord } from "../../server/src/store/device-store.js";
import { makeTestKey, type TestKey } from "../support/test-key.js";
import { createService, helloContext, MINUTE, SECOND, signHello, T0, type HelloOptions, type ServiceHarness } from "../support/pairing-harness.js";

const CLI: Actor = { name: "cli", via: "cli" };
const ALICE: Actor = { name: "Alice", via: "dashboard", deviceId: "alice-device" };

/** One fresh handshake for `key` from `address`, as a connection would run it. */
function hello(h: ServiceHarness, key: TestKey, address = "192.168.1.5", opts: Partial<HelloOptions> = {}): Promise<HelloOutcome> {
  const ctx = helloContext(h.clock, address);
  return h.service.handleHello(signHello(key, ctx, { signedAtMs: h.clock.now(), ...opts }), ctx);
}

async function requestFor(h: ServiceHarness, key: TestKey, address?: string, opts?: Partial<HelloOptions>): Promise<PendingRecord> {
  const outcome = await hello(h, key, address, opts);
  if (outcome.kind !== "pending") throw new Error(`expected a pending request, got ${outcome.kind}`);
  return outcome.request;
}

async function pairedDevice(h: ServiceHarness, key: TestKey, opts?: Partial<HelloOptions>): Promise<DeviceRecord> {
  const request = await requestFor(h, key, undefined, opts);
  return h.service.approve({ code: request.code, role: "admin" }, CLI);
}

async function refusal(promise: Promise<unknown>): Promise<PairgateError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof PairgateError)) throw new Error(`expected a PairgateError, got ${String(err)}`);
  return err;
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<PairgateError> {
  const err = await refusal(promise);
  expect(err.code).toBe(code);
  return err;
}

describe("pairing requests", () => {
  it("gives an unknown key a pending request with a code, its fingerprint and a 10-minute expiry", async () => {
    const h = createService();
    const key = makeTestKey();
    const request = await requestFor(h, key, "100.101.102.103", { name: "Work laptop", keyStorage: "software" });
    expect(request).toMatchObject({
      deviceId: key.deviceId,
      fingerprint: key.fingerprint,
      name: "Work laptop",
      keyStorage: "software",
      createdAtMs: T0,
      expiresAtMs: T0 + 10 * MINUTE,
      address: "100.101.102.103",
      status: "pending",
    });
    expect(request.code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    expect(h.events).toEqual([{ type: "pairing.requested", request }]);
    expect((await h.store.listAudit({ limit: 10 })).map((e) => e.action)).toEqual(["request_created"]);
  });

  it("never hands out a code that another live request holds", async () => {
    let draws = 0;
    const h = createService({ randomInt: () => (draws++ < 16 ? 0 : 1) }); // the first two codes drawn are both BBBBBBBB
    expect((await requestFor(h, makeTestKey())).code).toBe("BBBBBBBB");
    expect((await requestFor(h, makeTestKey())).code).toBe("CCCCCCCC");
    expect(draws).toBe(24);
  });

  it("draws another code when the store says a live request elsewhere holds the drawn one", async () => {
    let draws = 0;
    const h = createService({ randomInt: () => (draws++ < 8 ? 0 : 1) }); // BBBBBBBB first, then CCCCCCCC
    // A request this process can't see as live (its expiry has passed, the sweep has not run) still holds the
    // code in the store, as one made by another gateway on the same database would.
    const other = await requestFor(h, makeTestKey());
    expect(other.code).toBe("BBBBBBBB");
    h.clock.advance(11 * MINUTE);
    draws = 0;
    const request = await requestFor(h, makeTestKey());
    expect(request.code).toBe("CCCCCCCC");
    expect(draws).toBe(16);
    expect((await h.store.getPending(other.id))!.status).toBe("pending");
    expect((await h.store.listAudit({ limit: 10 })).map((e) => e.action)).toEqual(["request_created", "request_created"]);
  });

  it("names a browser that sent no name 'Unnamed browser'", async () => {
    const h = createService();
    expect((await requestFor(h, makeTestKey(), undefined, { name: "" })).name).toBe("Unnamed browser");
  });

  it("returns the same request id and code on every hello while the request is pending, from any address", async () => {
    const h = createService();
    const key = makeTestKey();
    const first = await requestFor(h, key, "192.168.1.5");
    for (let i = 0; i < 12; i++) {
      h.clock.advance(30 * SECOND);
      const again = await requestFor(h, key, i % 2 ? "192.168.1.5" : "10.0.0.9");
      expect({ id: again.id, code: again.code }).toEqual({ id: first.id, code: first.code });
    }
    expect(h.events.filter((e) => e.type === "pairing.requested")).toHaveLength(1);
    expect(await h.store.listLivePending(h.clock.now())).toHaveLength(1);
  });

  it("gives a new request with a new id and code after a rejection", async () => {
    const h = createService();
    const key = makeTestKey();
    const first = await requestFor(h, key);
    await h.service.reject({ code: formatCode(first.code) }, CLI);
    const second = await requestFor(h, key);
    expect(second.id).not.toBe(first.id);
    expect(second.code).not.toBe(first.code);
    expect((await h.store.getPending(first.id))!.status).toBe("rejected");
  });

  it("gives a new request with a new id and code after an expiry", async () => {
    const h = createService();
    const key = makeTestKey();
    const first = await requestFor(h, key);
    h.clock.advance(10 * MINUTE);
    expect(await h.service.expireDue()).toBe(1);
    const second = await requestFor(h, key);
    expect(second.id).not.toBe(first.id);
    expect(second.code).not.toBe(first.code);
    expect(second.expiresAtMs).toBe(T0 + 20 * MINUTE);
  });

  it("refuses a fourth pending request from one address with pending_limit, and still serves other addresses", async () => {
    const h = createService();
    for (let i = 0; i < 3; i++) await requestFor(h, makeTestKey(), "203.0.113.9");
    const err = await expectCode(hello(h, makeTestKey(), "203.0.113.9"), "pending_limit");
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect((await hello(h, makeTestKey(), "203.0.113.10")).kind).toBe("pending");
  });

  it("refuses the 21st pending request in total with pending_limit", async () => {
    const h = createService();
    for (let i = 0; i < 20; i++) await requestFor(h, makeTestKey(), `198.51.100.${Math.floor(i / 3)}`);
    await expectCode(hello(h, makeTestKey(), "198.51.100.200"), "pending_limit");
    expect(await h.store.listLivePending(h.clock.now())).toHaveLength(20);
  });

  it("at a limit, expires the oldest request that no tab waits on instead of refusing (issue 11 item 4)", async () => {
    const watched = new Set<string>();
    const h = createService({ hasWaitingTab: (id) => watched.has(id) });
    const [oldest, middle, newest] = [
      await requestFor(h, makeTestKey(), "203.0.113.9"),
      await requestFor(h, makeTestKey(), "203.0.113.9"),
      await requestFor(h, makeTestKey(), "203.0.113.9"),
    ];
    watched.add(oldest.id); // its tab is still open: never evicted
    expect((await hello(h, makeTestKey(), "203.0.113.9")).kind).toBe("pending");
    expect((await h.store.getPending(middle.id))!.status).toBe("expired");
    expect((await h.store.getPending(oldest.id))!.status).toBe("pending");
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: "pairing.resolved", outcome: "expired", request: expect.objectContaining({ id: middle.id }) }),
    );
    expect((await h.store.listAudit({ limit: 5 })).find((e) => e.action === "expired")).toMatchObject({
      requestId: middle.id,
      detail: { reason: "evicted_at_limit" },
    });
    // Every remaining one watched: refused as before.
    for (const p of await h.store.listLivePending(h.clock.now())) watched.add(p.id);
    await expectCode(hello(h, makeTestKey(), "203.0.113.9"), "pending_limit");
    expect((await h.store.getPending(newest.id))!.status).toBe("pending");
  });

  it("evicts for the total limit too, from any address, oldest unwatched first", async () => {
    const h = createService({ limits: { pendingPerAddress: 3, pendingTotal: 4 }, hasWaitingTab: () => false });
    const first = await requestFor(h, makeTestKey(), "198.51.100.1");
    for (const a of ["198.51.100.2", "198.51.100.3", "198.51.100.4"]) await requestFor(h, makeTestKey(), a);
    expect((await hello(h, makeTestKey(), "198.51.100.5")).kind).toBe("pending");
    expect((await h.store.getPending(first.id))!.status).toBe("expired");
    expect(await h.store.listLivePending(h.clock.now())).toHaveLength(4);
  });

  it("counts every address of one IPv6 /64 as one address for the pending limit", async () => {
    const h = createService();
    for (const a of ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:aaaa::3"]) await requestFor(h, makeTestKey(), a);
    await expectCode(hello(h, makeTestKey(), "2001:db8:1:2:ffff:ffff:ffff:ffff"), "pending_limit");
    expect((await hello(h, makeTestKey(), "2001:db8:1:3::1")).kind).toBe("pending");
  });

  it("frees a pending slot when a request is approved, rejected or expires", async () => {
    const h = createService();
    const requests = [];
    for (let i = 0; i < 3; i++) requests.push(await requestFor(h, makeTestKey(), "203.0.113.9"));
    await expectCode(hello(h, makeTestKey(), "203.0.113.9"), "pending_limit");
    await h.service.reject({ requestId: requests[0]!.id }, CLI);
    expect((await hello(h, makeTestKey(), "203.0.113.9")).kind).toBe("pending");
  });

  it("limits new requests per address per minute with rate_limited and the wait in retryAfterMs", async () => {
    const h = createService({ limits: { pendingPerAddress: 100, pendingTotal: 100 }, requestRate: new WindowCounter(10, MINUTE) });
    for (let i = 0; i < 10; i++) {
      await requestFor(h, makeTestKey(), "203.0.113.9");
      h.clock.advance(SECOND);
    }
    const err = await expectCode(hello(h, makeTestKey(), "203.0.113.9"), "rate_limited");
    expect(err.retryAfterMs).toBe(MINUTE - 10 * SECOND);
    expect((await hello(h, makeTestKey(), "203.0.113.10")).kind).toBe("pending");
    h.clock.advance(MINUTE - 10 * SECOND);
    expect((await hello(h, makeTestKey(), "203.0.113.9")).kind).toBe("pending");
  });

  it("does not count reconnects of a key that is already waiting toward the request rate", async () => {
    const h = createService({ limits: { pendingPerAddress: 100, pendingTotal: 100 }, requestRate: new WindowCounter(2, MINUTE) });
    const key = makeTestKey();
    for (let i = 0; i < 20; i++) expect((await hello(h, key, "203.0.113.9")).kind).toBe("pending");
    expect((await hello(h, makeTestKey(), "203.0.113.9")).kind).toBe("pending");
  });
});

describe("approval", () => {
  it("approves by code typed in any case, with or without the dash, as the given role and actor", async () => {
    const h = createService();
    const key = makeTestKey();
    const request = await requestFor(h, key, "172.18.0.1", { name: "Desk", userAgent: "UA/1", keyStorage: "software" });
    h.clock.advance(5 * SECOND);
    const device = await h.service.approve({ code: ` ${formatCode(request.code).toLowerCase()} `, role: "viewer" }, ALICE);
    expect(device).toMatchObject({
      id: key.deviceId,
      fingerprint: key.fingerprint,
      name: "Desk",
      role: "viewer",
      keyStorage: "software",
      userAgent: "UA/1",
      createdAtMs: T0,
      approvedAtMs: T0 + 5 * SECOND,
      approvedBy: "Alice",
      approvedVia: "dashboard",
      revokedAtMs: null,
    });
    expect(await h.store.getDevice(key.deviceId)).toMatchObject({ role: "viewer", approvedBy: "Alice" });
    expect(h.events.at(-1)).toMatchObject({ type: "pairing.resolved", outcome: "approved", device: { id: key.deviceId } });
    const outcome = await hello(h, key);
    expect(outcome).toMatchObject({ kind: "paired", redeemedInvite: false, device: { id: key.deviceId } });
  });

  it("takes a name given at approval over the browser's own", async () => {
    const h = createService();
    const request = await requestFor(h, makeTestKey(), undefined, { name: "Chrome" });
    expect((await h.service.approve({ code: request.code, role: "admin", name: "Kitchen tablet" }, CLI)).name).toBe("Kitchen tablet");
  });

  it("answers not_found for an unknown, malformed or already-used code", async () => {
    const h = createService();
    await expectCode(h.service.approve({ code: "BCDF-GHJK", role: "admin" }, CLI), "not_found");
    await expectCode(h.service.approve({ code: "AEIOU", role: "admin" }, CLI), "not_found");
    const request = await requestFor(h, makeTestKey());
    await h.service.approve({ code: request.code, role: "admin" }, CLI);
    await expectCode(h.service.approve({ code: request.code, role: "admin" }, CLI), "not_found");
  });

  it("lets exactly one of two concurrent approvals of one code win; the other gets not_found", async () => {
    const h = createService();
    const key = makeTestKey();
    const request = await requestFor(h, key);
    const results = await Promise.allSettled([
      h.service.approve({ code: request.code, role: "admin" }, CLI),
      h.service.approve({ code: request.code, role: "viewer" }, ALICE),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(PairgateError);
    expect((lost[0]!.reason as PairgateError).code).toBe("not_found");
    expect(await h.store.listDevices()).toHaveLength(1);
    expect(h.events.filter((e) => e.type === "pairing.resolved")).toHaveLength(1);
    expect((await h.store.listAudit({ limit: 10 })).filter((e) => e.action === "approved")).toHaveLength(1);
  });

  it("keeps a request approvable until 1 ms before its expiry", async () => {
    const h = createService();
    const request = await requestFor(h, makeTestKey());
    h.clock.advance(10 * MINUTE - 1);
    expect((await h.service.approve({ code: request.code, role: "admin" }, CLI)).id).toBe(request.deviceId);
  });
});

describe("replacing a device", () => {
  it("revokes the old device, carries its name over and announces the revocation", async () => {
    const h = createService();
    const oldKey = makeTestKey();
    const old = await pairedDevice(h, oldKey, { name: "Chrome", userAgent: "UA/1" });
    const newKey = makeTestKey();
    const request = await requestFor(h, newKey, undefined, { name: "Chrome", userAgent: "UA/1" });
    h.clock.advance(SECOND);

    const device = await h.service.approve({ code: request.code, role: "viewer", replacesDeviceId: old.id }, ALICE);
    expect(device).toMatchObject({ id: newKey.deviceId, name: "Chrome", role: "viewer" });
    expect(await h.store.getDevice(old.id)).toMatchObject({ revokedAtMs: T0 + SECOND, revokedBy: "Alice" });
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: "device.revoked", byName: "Alice", atMs: T0 + SECOND, device: expect.objectContaining({ id: old.id }) }),
    );
    const audit = await h.store.listAudit({ limit: 2 });
    expect(audit.map((e) => e.action).sort()).toEqual(["approved", "revoked"]);
    expect(audit.find((e) => e.action === "revoked")).toMatchObject({
      deviceId: old.id,
      detail: expect.objectContaining({ reason: "replaced", by: newKey.deviceId }),
    });

    const err = await refusal(hello(h, oldKey));
    expect(err).toBeInstanceOf(RevokedError);
    expect(err.code).toBe("device_revoked");
  });

  it("refuses to replace a device that is unknown, revoked, or not the one the request suggested, and leaves the request waiting", async () => {
    const h = createService();
    const old = await pairedDevice(h, makeTestKey(), { name: "Chrome", userAgent: "UA/1" });
    await h.service.revoke(old.id, CLI);
    const admin = await pairedDevice(h, makeTestKey(), { name: "Admin laptop", userAgent: "UA/2" });
    const request = await requestFor(h, makeTestKey(), undefined, { name: "Chrome", userAgent: "UA/1" });
    for (const replacesDeviceId of [old.id, "0".repeat(64), admin.id]) {
      const err = await expectCode(h.service.approve({ code: request.code, role: "viewer", replacesDeviceId }, CLI), "invalid_params");
      expect(err.message).toContain("replaces no device");
    }
    expect((await h.store.getDevice(admin.id))!.revokedAtMs).toBeNull();
    expect((await h.store.getPending(request.id))!.status).toBe("pending");
  });

  it("accepts only the suggested device as the one replaced (issue 11: any device id used to be accepted)", async () => {
    const h = createService();
    const twin = await pairedDevice(h, makeTestKey(), { name: "Chrome", userAgent: "UA/1" });
    const admin = await pairedDevice(h, makeTestKey(), { name: "Admin laptop", userAgent: "UA/2" });
    const request = await requestFor(h, makeTestKey(), undefined, { name: "Chrome", userAgent: "UA/1" });
    const err = await expectCode(h.service.approve({ code: request.code, role: "viewer", replacesDeviceId: admin.id }, CLI), "invalid_params");
    expect(err.message).toContain(`only replace Chrome (${twin.fingerprint})`);
    expect((await h.store.getDevice(admin.id))!.revokedAtMs).toBeNull();
    await h.service.approve({ code: request.code, role: "viewer", replacesDeviceId: twin.id }, CLI);
    expect((await h.store.getDevice(twin.id))!.revokedAtMs).not.toBeNull();
  });
});

describe("rejection and expiry", () => {
  it("rejects by request id or by code, once", async () => {
    const h = createService();
    const [a, b] = [await requestFor(h, makeTestKey()), await requestFor(h, makeTestKey())];
    await h.service.reject({ requestId: a.id }, CLI);
    await h.service.reject({ code: formatCode(b.code).toLowerCase() }, ALICE);
    expect((await h.store.getPending(a.id))!.status).toBe("rejected");
    expect((await h.store.getPending(b.id))!.status).toBe("rejected");
    await expectCode(h.service.reject({ requestId: a.id }, CLI), "not_found");
    await expectCode(h.service.reject({}, CLI), "invalid_params");
    expect(h.events.filter((e) => e.type === "pairing.resolved").map((e) => "outcome" in e && e.outcome)).toEqual(["rejected", "rejected"]);
  });

  it("expires a request exactly 10 minutes after it was created, on the injected clock", async () => {
    const h = createService();
    const request = await requestFor(h, makeTestKey());
    h.clock.advance(10 * MINUTE - 1);
    expect(await h.service.expireDue()).toBe(0);
    h.clock.advance(1);
    expect(await h.service.expireDue()).toBe(1);
    expect(await h.service.expireDue()).toBe(0);
    expect((await h.store.getPending(request.id))!.status).toBe("expired");
    expect(h.events.at(-1)).toMatchObject({ type: "pairing.resolved", outcome: "expired", request: { id: request.id } });
    await expectCode(h.service.approve({ code: request.code, role: "admin" }, CLI), "not_found");
  });

  it("refuses to approve an expired request even before the sweep has marked it", async () => {
    const h = createService();
    const request = await requestFor(h, makeTestKey());
    h.clock.advance(10 * MINUTE);
    await expectCode(h.service.approve({ code: request.code, role: "admin" }, CLI), "not_found");
    expect(await h.store.listDevices()).toEqual([]);
  });
});

describe("invites", () => {
  it("pairs a key through an invite with the invite's role, exactly once", async () => {
    const h = createService();
    const { token, record } = await h.service.createInvite({ role: "admin", label: "first admin" }, CLI);
    const key = makeTestKey();
    const outcome = await hello(h, key, undefined, { invite: token });
    expect(outcome).toMatchObject({ kind: "paired", redeemedInvite: true, device: { id: key.deviceId, role: "admin", approvedVia: "invite" } });
    expect(await h.store.findInviteByHash(record.tokenHash)).toMatchObject({ usedByDeviceId: key.deviceId, usedAtMs: T0 });
    await expectCode(hello(h, makeTestKey(), undefined, { invite: token }), "invite_invalid");
    expect(await h.store.listDevices()).toHaveLength(1);
    // The paired key may keep sending the invite it came with: it is simply a known device now.
    expect(await hello(h, key, undefined, { invite: token })).toMatchObject({ kind: "paired", redeemedInvite: false });
  });

  it("resolves the key's own pending request when it pairs through an invite; its old code then says not_found", async () => {
    const h = createService();
    const key = makeTestKey();
    const request = await requestFor(h, key);
    const { token } = await h.service.createInvite({ role: "viewer" }, CLI);
    expect(await hello(h, key, undefined, { invite: token })).toMatchObject({ kind: "paired", redeemedInvite: true });
    expect((await h.store.getPending(request.id))!.status).toBe("approved");
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: "pairing.resolved", outcome: "approved", request: expect.objectContaining({ id: request.id }) }),
    );
    const err = await expectCode(h.service.approve({ code: request.code, role: "admin" }, CLI), "not_found");
    expect(err.message).not.toMatch(/internal/i);
    expect((await h.store.getDevice(key.deviceId))!.role).toBe("viewer");
  });

  it("refuses an unknown, expired or revoked invite with invite_invalid and creates no request", async () => {
    const h = createService();
    await expectCode(hello(h, makeTestKey(), undefined, { invite: "A".repeat(43) }), "invite_invalid");
    const short = await h.service.createInvite({ role: "viewer", ttlMs: MINUTE }, CLI);
    const revoked = await h.service.createInvite({ role: "viewer" }, CLI);
    await h.service.revokeInvite(revoked.record.id, CLI);
    h.clock.advance(MINUTE);
    await expectCode(hello(h, makeTestKey(), undefined, { invite: short.token }), "invite_invalid");
    await expectCode(hello(h, makeTestKey(), undefined, { invite: revoked.token }), "invite_invalid");
    expect(await h.store.listDevices()).toEqual([]);
    expect(await h.store.listLivePending(h.clock.now())).toEqual([]);
  });

  it("revokes an unused invite once; a second revoke is not_found", async () => {
    const h = createService();
    const { record } = await h.service.createInvite({ role: "viewer" }, CLI);
    await h.service.revokeInvite(record.id, CLI);
    await expectCode(h.service.revokeInvite(record.id, CLI), "not_found");
  });

  it("expires invites after 15 minutes by default", async () => {
    const h = createService();
    const { record } = await h.service.createInvite({ role: "viewer" }, CLI);
    expect(record.expiresAtMs).toBe(T0 + 15 * MINUTE);
  });
});

describe("revocation", () => {
  it("never pairs a revoked key again, by code or by invite, and says who revoked it and when", async () => {
    const h = createService();
    const key = makeTestKey();
    const device = await pairedDevice(h, key);
    h.clock.advance(SECOND);
    const revoked = await h.service.revoke(device.id, ALICE);
    expect(revoked).toMatchObject({ revokedAtMs: T0 + SECOND, revokedBy: "Alice" });
    await expectCode(h.service.revoke(device.id, ALICE), "not_found");

    const byCode = await refusal(hello(h, key));
    expect(byCode).toBeInstanceOf(RevokedError);
    expect(byCode).toMatchObject({ code: "device_revoked", byName: "Alice", atMs: T0 + SECOND });

    const { token, record } = await h.service.createInvite({ role: "admin" }, CLI);
    expect(await refusal(hello(h, key, undefined, { invite: token }))).toMatchObject({ code: "device_revoked" });
    expect(await h.store.findInviteByHash(record.tokenHash)).toMatchObject({ usedAtMs: null });
    expect(await h.store.listLivePending(h.clock.now())).toEqual([]);
  });
});
