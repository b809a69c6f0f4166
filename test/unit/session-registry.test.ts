// Device sessions in memory (server/src/sessions/session-registry.ts) over a MemoryStore with an injected clock:
// idle and absolute lifetimes, revoke and end, replica changes, lazy last-use writes, and no store call per check.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SessionRegistry, hashSessionToken } from "../../server/src/sessions/session-registry.js";
import { MemoryStore } from "../../server/src/store/memory-store.js";
import { deviceRecord } from "../contract/device-store.contract.js";

const T0 = 1_764_028_800_000;
const HOUR = 3600_000;

function setup() {
  let now = T0;
  const store = new MemoryStore();
  const registry = new SessionRegistry({
    store,
    now: () => now,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    idleMs: 12 * HOUR,
    maxAgeMs: 7 * 24 * HOUR,
    onError: (err) => {
      throw err;
    },
  });
  return { store, registry, advance: (ms: number) => void (now += ms), now: () => now };
}

describe("session registry", () => {
  it("makes a 32-byte cookie value, stores only its SHA-256, and checks it back to the device", async () => {
    const { store, registry } = setup();
    const device = deviceRecord({ role: "admin", name: "Laptop" });
    await store.insertDevices([device]);
    const { token, session } = await registry.create(device);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const [stored] = await store.listSessions();
    expect(stored!.tokenHash).toBe(hashSessionToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(registry.check(token)).toEqual({ sessionId: session.id, deviceId: device.id, name: "Laptop", role: "admin" });
    expect(registry.check(token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).toBeNull();
    expect(registry.check("")).toBeNull();
  });

  it("ends a session left unused for the idle time, and slides it while it is used", async () => {
    const { store, registry, advance } = setup();
    const device = deviceRecord();
    await store.insertDevices([device]);
    const { token } = await registry.create(device);
    advance(11 * HOUR);
    expect(registry.check(token)).not.toBeNull(); // used: the idle clock starts again
    advance(11 * HOUR);
    expect(registry.check(token)).not.toBeNull();
    advance(12 * HOUR);
    expect(registry.check(token)).toBeNull();
    expect(registry.list()).toEqual([]);
  });

  it("ends a session at its absolute lifetime however often it is used", async () => {
    const { store, registry, advance } = setup();
    const device = deviceRecord();
    await store.insertDevices([device]);
    const { token, session } = await registry.create(device);
    expect(session.expiresAtMs).toBe(T0 + 12 * HOUR);
    for (let i = 0; i < 16; i++) {
      advance(10 * HOUR);
      expect(registry.check(token)).not.toBeNull();
    }
    advance(8 * HOUR); // 168 h after creation
    expect(registry.check(token)).toBeNull();
  });

  it("checks in memory only: no store method runs per request, last use is written in one batch later", async () => {
    const { store, registry, advance, now } = setup();
    const device = deviceRecord();
    await store.insertDevices([device]);
    const a = await registry.create(device);
    const b = await registry.create(device);
    const calls: string[] = [];
    const methods = store as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const name of Object.getOwnPropertyNames(MemoryStore.prototype)) {
      if (name === "constructor") continue;
      const original = methods[name]!.bind(store);
      methods[name] = (...args: unknown[]) => (calls.push(name), original(...args));
    }
    advance(1000);
    for (let i = 0; i < 100; i++) expect(registry.check(i % 2 ? a.token : b.token)).not.toBeNull();
    expect(calls).toEqual([]);
    await registry.flush();
    expect(calls).toEqual(["touchSessions"]);
    expect((await store.getSession(a.session.id))!.lastUsedAtMs).toBe(now());
    await registry.flush();
    expect(calls.filter((c) => c === "touchSessions")).toHaveLength(1); // nothing used since: nothing written
  });

  it("drops every session of a revoked device at once, and renames follow the device", async () => {
    const { store, registry } = setup();
    const device = deviceRecord({ name: "Old name" });
    const other = deviceRecord();
    await store.insertDevices([device, other]);
    const mine = await registry.create(device);
    const theirs = await registry.create(other);
    registry.handle({ type: "device.updated", device: { ...device, name: "New name" } });
    expect(registry.check(mine.token)!.name).toBe("New name");
    registry.handle({ type: "device.revoked", device, byName: "Alice", atMs: T0 });
    expect(registry.check(mine.token)).toBeNull();
    expect(registry.check(theirs.token)).not.toBeNull();
  });

  it("ends one session or all of a device's, in memory and in the store", async () => {
    const { store, registry } = setup();
    const device = deviceRecord();
    await store.insertDevices([device]);
    const a = await registry.create(device);
    const b = await registry.create(device);
    const c = await registry.create(device);
    expect(await registry.end(a.session.id)).toBe(true);
    expect(await registry.end(a.session.id)).toBe(false);
    expect(registry.check(a.token)).toBeNull();
    expect(
      registry
        .list({ deviceId: device.id })
        .map((s) => s.id)
        .sort(),
    ).toEqual([b.session.id, c.session.id].sort());
    expect(await registry.endForDevice(device.id)).toBe(2);
    expect(registry.check(b.token)).toBeNull();
    expect(await store.listSessions()).toEqual([]);
  });

  it("loads stored sessions of active devices at start, and follows another replica's creates and ends", async () => {
    const { store, registry } = setup();
    const active = deviceRecord();
    const revoked = deviceRecord({ revokedAtMs: T0, revokedBy: "Alice" });
    await store.insertDevices([active, revoked]);
    const kept = await registry.create(active);
    await store.createSession({
      id: "ses_old",
      tokenHash: hashSessionToken("revoked-token"),
      deviceId: revoked.id,
      createdAtMs: T0,
      lastUsedAtMs: T0,
      expiresAtMs: T0 + HOUR,
    });
    const second = setup();
    const fresh = new SessionRegistry({ ...registry["deps"], store });
    await fresh.load();
    expect(fresh.check(kept.token)!.deviceId).toBe(active.id);
    expect(fresh.check("revoked-token")).toBeNull();

    // Another replica made a session: the row is read by its id.
    const made = await second.registry.create(active).then(async (r) => {
      await store.createSession({ ...(await second.store.getSession(r.session.id))! });
      return r;
    });
    await fresh.applyChange({ type: "session.created", id: made.session.id });
    expect(fresh.check(made.token)!.deviceId).toBe(active.id);
    await fresh.applyChange({ type: "session.ended", id: made.session.id });
    expect(fresh.check(made.token)).toBeNull();
    await fresh.applyChange({ type: "device.sessions_ended", id: active.id });
    expect(fresh.check(kept.token)).toBeNull();
  });

  it("sweeps ended sessions out of memory and the store", async () => {
    const { store, registry, advance } = setup();
    const device = deviceRecord();
    await store.insertDevices([device]);
    await registry.create(device);
    advance(13 * HOUR);
    await registry.sweep();
    expect(await store.listSessions()).toEqual([]);
  });
});
