// The one DeviceStore contract suite (docs/design.md#store, "one contract suite run against every implementation").
// Each implementation's test file calls runDeviceStoreContract with a harness that opens fresh, empty stores.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { compareDevices, deviceIdFromPublicKey, deviceMatches, fingerprintFromPublicKey } from "../../shared/index.js";
import type { AuditInput, DeviceRecord, DeviceStore, InviteRecord, PendingRecord, SessionRecord } from "../../server/src/store/device-store.js";

export interface StoreHarness {
  /** A fresh, empty store. */
  open(): Promise<DeviceStore>;
  /** Closes `store` and opens the same state again; only for implementations that persist across opens. */
  reopen?: (store: DeviceStore) => Promise<DeviceStore>;
  /** Runs once after the suite, e.g. to remove temp dirs. */
  cleanup?: () => Promise<void> | void;
}

const T0 = 1_764_028_800_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
let serial = 0;

export function newKey(): { publicKey: Uint8Array; id: string; fingerprint: string } {
  const publicKey = new Uint8Array(randomBytes(32));
  return { publicKey, id: deviceIdFromPublicKey(publicKey), fingerprint: fingerprintFromPublicKey(publicKey) };
}

export function deviceRecord(overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  const key = newKey();
  serial++;
  return {
    id: key.id,
    publicKey: key.publicKey,
    fingerprint: key.fingerprint,
    name: `Browser ${serial}`,
    role: "viewer",
    keyStorage: "webcrypto",
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156",
    createdAtMs: T0,
    approvedAtMs: T0 + serial,
    approvedBy: "cli",
    approvedVia: "cli",
    lastSeenAtMs: null,
    lastSeenAddress: null,
    lastSeenClass: null,
    expiresAtMs: null,
    revokedAtMs: null,
    revokedBy: null,
    revokedReason: null,
    ...overrides,
  };
}

export function pendingRecord(overrides: Partial<PendingRecord> = {}): PendingRecord {
  const key = newKey();
  serial++;
  return {
    id: `req_${serial}_${randomBytes(4).toString("hex")}`,
    deviceId: key.id,
    publicKey: key.publicKey,
    code: randomCode(),
    fingerprint: key.fingerprint,
    name: `Waiting ${serial}`,
    userAgent: "Mozilla/5.0 Firefox/150",
    keyStorage: "software",
    createdAtMs: T0 + serial,
    expiresAtMs: T0 + serial + 10 * MINUTE,
    address: "192.168.1.5",
    networkClass: "private",
    status: "pending",
    ...overrides,
  };
}

export function inviteRecord(overrides: Partial<InviteRecord> = {}): InviteRecord {
  serial++;
  return {
    id: `inv_${serial}_${randomBytes(4).toString("hex")}`,
    tokenHash: randomBytes(32).toString("hex"),
    role: "viewer",
    label: `invite ${serial}`,
    createdAtMs: T0 + serial,
    createdBy: "cli",
    expiresAtMs: T0 + serial + 15 * MINUTE,
    deviceExpiresInMs: null,
    usedAtMs: null,
    usedByDeviceId: null,
    revokedAtMs: null,
    ...overrides,
  };
}

export function sessionRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  serial++;
  return {
    id: `ses_${serial}_${randomBytes(4).toString("hex")}`,
    tokenHash: randomBytes(32).toString("hex"),
    deviceId: "dev_unset",
    createdAtMs: T0,
    lastUsedAtMs: T0,
    expiresAtMs: T0 + 7 * 24 * 60 * MINUTE,
    ...overrides,
  };
}

function randomCode(): string {
  const alphabet = "BCDFGHJKLMNPQRSTVWXZ";
  return Array.from(randomBytes(8), (b) => alphabet[b % 20]).join(""); // test data only; bias doesn't matter here
}

const audit = (action: AuditInput["action"], extra: Partial<AuditInput> = {}): AuditInput => ({ atMs: T0, action, actor: "tester", ...extra });

/** The device a pending request becomes when approved. */
function deviceFor(p: PendingRecord, overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  return deviceRecord({ id: p.deviceId, publicKey: p.publicKey, fingerprint: p.fingerprint, name: p.name, ...overrides });
}

export function runDeviceStoreContract(name: string, harness: StoreHarness): void {
  describe(`DeviceStore contract: ${name}`, () => {
    let store: DeviceStore;
    beforeEach(async () => {
      store = await harness.open();
    });
    afterEach(async () => {
      await store.close();
    });
    afterAll(async () => {
      await harness.cleanup?.();
    });

    const auditActions = async () => (await store.listAudit({ limit: 1000 })).map((e) => e.action).reverse();

    describe("gateway id", () => {
      it("creates the gateway id on first use and returns the same id afterwards without creating another", async () => {
        let created = 0;
        const create = () => `gw-${++created}`;
        expect(await store.loadGatewayId(create)).toBe("gw-1");
        expect(await store.loadGatewayId(create)).toBe("gw-1");
        expect(created).toBe(1);
      });

      if (harness.reopen) {
        const reopen = harness.reopen;
        it("keeps the gateway id across a close and reopen", async () => {
          const id = await store.loadGatewayId(() => "AAECAwQFBgcICQoLDA0ODw");
          store = await reopen(store);
          expect(await store.loadGatewayId(() => "a-different-id")).toBe(id);
        });
      }
    });

    describe("devices", () => {
      it("reads back an inserted device field for field", async () => {
        const plain = deviceRecord();
        const seen = deviceRecord({
          role: "admin",
          keyStorage: "software",
          approvedVia: "invite",
          lastSeenAtMs: T0 + 5,
          lastSeenAddress: "100.64.0.7",
          lastSeenClass: "cgnat",
        });
        await store.insertDevices([plain, seen]);
        expect(await store.getDevice(plain.id)).toEqual(plain);
        expect(await store.getDevice(seen.id)).toEqual(seen);
      });

      it("returns null for an unknown device id", async () => {
        expect(await store.getDevice(newKey().id)).toBeNull();
      });

      it("refuses to insert a device id that already exists", async () => {
        const d = deviceRecord();
        await store.insertDevices([d]);
        await expect(store.insertDevices([{ ...d, name: "twin" }])).rejects.toThrow();
        expect((await store.getDevice(d.id))!.name).toBe(d.name);
      });

      it("lists active devices in approval order, and revoked ones only with includeRevoked", async () => {
        const [a, b, c] = [deviceRecord({ approvedAtMs: T0 + 30 }), deviceRecord({ approvedAtMs: T0 + 10 }), deviceRecord({ approvedAtMs: T0 + 20 })];
        await store.insertDevices([a!, b!, c!]);
        expect(await store.revokeDevice(c!.id, T0 + 40, "admin", audit("revoked"))).toBe(true);
        expect((await store.listDevices()).map((d) => d.id)).toEqual([b!.id, a!.id]);
        expect((await store.listDevices({ includeRevoked: false })).map((d) => d.id)).toEqual([b!.id, a!.id]);
        const all = await store.listDevices({ includeRevoked: true });
        expect(all.map((d) => d.id)).toEqual([b!.id, c!.id, a!.id]);
        expect(all[1]).toMatchObject({ revokedAtMs: T0 + 40, revokedBy: "admin" });
      });

      it("counts only active admins", async () => {
        const admins = [deviceRecord({ role: "admin" }), deviceRecord({ role: "admin" })];
        await store.insertDevices([...admins, deviceRecord({ role: "viewer" })]);
        expect(await store.countActiveAdmins()).toBe(2);
        await store.revokeDevice(admins[0]!.id, T0, "admin", audit("revoked"));
        expect(await store.countActiveAdmins()).toBe(1);
      });

      it("renames an active device and audits it", async () => {
        const d = deviceRecord();
        await store.insertDevices([d]);
        expect(await store.renameDevice(d.id, "Kitchen laptop", audit("renamed", { deviceId: d.id, detail: { from: d.name, to: "Kitchen laptop" } }))).toBe(
          true,
        );
        expect((await store.getDevice(d.id))!.name).toBe("Kitchen laptop");
        expect(await store.listAudit({ limit: 10 })).toEqual([
          expect.objectContaining({ action: "renamed", deviceId: d.id, detail: { from: d.name, to: "Kitchen laptop" } }),
        ]);
      });

      it("refuses to rename an unknown or revoked device, and audits nothing", async () => {
        const d = deviceRecord({ revokedAtMs: T0, revokedBy: "admin" });
        await store.insertDevices([d]);
        expect(await store.renameDevice(d.id, "new", audit("renamed"))).toBe(false);
        expect(await store.renameDevice(newKey().id, "new", audit("renamed"))).toBe(false);
        expect((await store.getDevice(d.id))!.name).toBe(d.name);
        expect(await store.listAudit({ limit: 10 })).toEqual([]);
      });

      it("revokes an active device exactly once", async () => {
        const d = deviceRecord();
        await store.insertDevices([d]);
        expect(await store.revokeDevice(d.id, T0 + 1, "Alice", audit("revoked", { deviceId: d.id }))).toBe(true);
        expect(await store.revokeDevice(d.id, T0 + 2, "Bob", audit("revoked", { deviceId: d.id }))).toBe(false);
        expect(await store.getDevice(d.id)).toMatchObject({ revokedAtMs: T0 + 1, revokedBy: "Alice" });
        expect(await auditActions()).toEqual(["revoked"]);
        expect(await store.revokeDevice(newKey().id, T0, "Alice", audit("revoked"))).toBe(false);
      });

      it("records last seen time, address and network class, the latest batch winning, and skips unknown ids", async () => {
        const d = deviceRecord();
        await store.insertDevices([d]);
        await store.recordLastSeen([{ deviceId: d.id, atMs: T0 + 1, address: "127.0.0.1", networkClass: "loopback" }]);
        await store.recordLastSeen([
          { deviceId: d.id, atMs: T0 + 2, address: "fd00::5", networkClass: "private" },
          { deviceId: newKey().id, atMs: T0 + 2, address: "8.8.8.8", networkClass: "public" },
        ]);
        expect(await store.getDevice(d.id)).toMatchObject({ lastSeenAtMs: T0 + 2, lastSeenAddress: "fd00::5", lastSeenClass: "private" });
        expect(await store.listDevices()).toHaveLength(1);
      });
    });

    describe("device lifecycle", () => {
      it("keeps a guest device's end time, and records why a device was revoked", async () => {
        const guest = deviceRecord({ expiresAtMs: T0 + HOUR });
        const plain = deviceRecord();
        await store.insertDevices([guest, plain]);
        expect(await store.getDevice(guest.id)).toMatchObject({ expiresAtMs: T0 + HOUR, revokedReason: null });
        expect(await store.revokeDevice(plain.id, T0 + 1, "Alice", audit("revoked", { deviceId: plain.id }))).toBe(true);
        expect(await store.getDevice(plain.id)).toMatchObject({ revokedReason: "revoked", expiresAtMs: null });
      });

      it("lists due devices: end time passed, or last seen at or before the idle cut-off; never revoked ones", async () => {
        const ended = deviceRecord({ expiresAtMs: T0 + 10, lastSeenAtMs: T0 + 50 });
        const endsLater = deviceRecord({ expiresAtMs: T0 + 11, lastSeenAtMs: T0 + 50 });
        const idle = deviceRecord({ lastSeenAtMs: T0 + 5 });
        const recent = deviceRecord({ lastSeenAtMs: T0 + 6 });
        const gone = deviceRecord({ expiresAtMs: T0, lastSeenAtMs: T0, revokedAtMs: T0 + 1, revokedBy: "Alice", revokedReason: "revoked" });
        await store.insertDevices([ended, endsLater, idle, recent, gone]);
        expect((await store.listDueDevices(T0 + 10, null, 100)).map((d) => d.id)).toEqual([ended.id]);
        expect(new Set((await store.listDueDevices(T0 + 10, T0 + 5, 100)).map((d) => d.id))).toEqual(new Set([ended.id, idle.id]));
        expect(await store.listDueDevices(T0 + 10, T0 + 5, 1)).toHaveLength(1);
        expect(await store.listDueDevices(T0 + 9, T0 + 4, 100)).toEqual([]);
      });

      it("expires a device exactly once, as the gateway with reason expired, and writes its audit entry", async () => {
        const d = deviceRecord({ expiresAtMs: T0 });
        await store.insertDevices([d]);
        expect(await store.expireDevice(d.id, T0 + 1, audit("revoked", { deviceId: d.id }))).toBe(true);
        expect(await store.expireDevice(d.id, T0 + 2, audit("revoked", { deviceId: d.id }))).toBe(false);
        expect(await store.revokeDevice(d.id, T0 + 3, "Alice", audit("revoked", { deviceId: d.id }))).toBe(false);
        expect(await store.getDevice(d.id)).toMatchObject({ revokedAtMs: T0 + 1, revokedBy: "gateway", revokedReason: "expired" });
        expect(await auditActions()).toEqual(["revoked"]);
        expect(await store.listDueDevices(T0 + 10, null, 100)).toEqual([]);
      });

      it("never expires the last active admin, and expires an admin while another one stays", async () => {
        const first = deviceRecord({ role: "admin", expiresAtMs: T0 });
        const second = deviceRecord({ role: "admin", expiresAtMs: T0 });
        await store.insertDevices([first, second]);
        expect(await store.expireDevice(first.id, T0 + 1, audit("revoked", { deviceId: first.id }))).toBe(true);
        expect(await store.expireDevice(second.id, T0 + 1, audit("revoked", { deviceId: second.id }))).toBe(false);
        expect(await store.getDevice(second.id)).toMatchObject({ revokedAtMs: null });
        expect(await store.countActiveAdmins()).toBe(1);
        expect(await auditActions()).toEqual(["revoked"]);
      });

      it("lets exactly one of many concurrent expiries of the last two admins win", async () => {
        const admins = [deviceRecord({ role: "admin", expiresAtMs: T0 }), deviceRecord({ role: "admin", expiresAtMs: T0 })];
        await store.insertDevices(admins);
        const results = await Promise.all(admins.flatMap((a) => [1, 2].map(() => store.expireDevice(a.id, T0 + 1, audit("revoked", { deviceId: a.id })))));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.countActiveAdmins()).toBe(1);
      });

      it("keeps an invite's device lifetime", async () => {
        const invite = inviteRecord({ deviceExpiresInMs: 2 * HOUR });
        await store.createInvite(invite, audit("invite_created"));
        expect(await store.findInviteByHash(invite.tokenHash)).toMatchObject({ deviceExpiresInMs: 2 * HOUR });
      });
    });

    describe("device search and paging", () => {
      /** Every page of `limit`, following the last device's order key as the cursor. */
      const allPages = async (filter: { query?: string; includeRevoked?: boolean }, limit: number) => {
        const pages: string[][] = [];
        let after: DeviceRecord | undefined;
        for (;;) {
          const page = await store.listDevicesPage({ ...filter, ...(after ? { after } : {}), limit });
          if (page.length) pages.push(page.map((d) => d.id));
          if (page.length < limit) return pages;
          after = page.at(-1);
        }
      };

      it("pages newest approval first, ties broken by id, without gaps or overlaps", async () => {
        const devices = Array.from({ length: 11 }, (_, i) => deviceRecord({ approvedAtMs: T0 + Math.floor(i / 3) }));
        await store.insertDevices(devices);
        const expected = [...devices].sort(compareDevices).map((d) => d.id);
        expect(new Set(expected.slice(0, 2))).toEqual(new Set([devices[9]!.id, devices[10]!.id])); // the newest approvals
        const pages = await allPages({}, 4);
        expect(pages.map((p) => p.length)).toEqual([4, 4, 3]);
        expect(pages.flat()).toEqual(expected);
        expect(await store.countDevices()).toBe(11);
      });

      it("leaves revoked devices out of pages and counts unless includeRevoked", async () => {
        const [a, b, c] = [deviceRecord({ approvedAtMs: T0 + 3 }), deviceRecord({ approvedAtMs: T0 + 2 }), deviceRecord({ approvedAtMs: T0 + 1 })];
        await store.insertDevices([a!, b!, c!]);
        await store.revokeDevice(b!.id, T0 + 9, "admin", audit("revoked"));
        expect((await allPages({}, 2)).flat()).toEqual([a!.id, c!.id]);
        expect((await allPages({ includeRevoked: true }, 2)).flat()).toEqual([a!.id, b!.id, c!.id]);
        expect(await store.countDevices()).toBe(2);
        expect(await store.countDevices({ includeRevoked: true })).toBe(3);
      });

      it("finds devices by name (ASCII case folded), fingerprint with or without its dash, and id prefix, as deviceMatches does", async () => {
        const kitchen = deviceRecord({ name: "Kitchen tablet", approvedAtMs: T0 + 5 });
        const kueche = deviceRecord({ name: "Küche", approvedAtMs: T0 + 4 });
        const percent = deviceRecord({ name: "100% done_ok", approvedAtMs: T0 + 3 });
        const backslash = deviceRecord({ name: "C:\\laptop", approvedAtMs: T0 + 2 });
        const other = deviceRecord({ name: "Office", approvedAtMs: T0 + 1 });
        const all = [kitchen, kueche, percent, backslash, other];
        await store.insertDevices(all);
        const queries = [
          "kitchen",
          "KITCHEN",
          " tab ",
          "küche",
          "KÜCHE",
          "Küche",
          "100%",
          "%",
          "_",
          "done_ok",
          "e_o",
          "\\",
          ":\\l",
          kitchen.fingerprint,
          kitchen.fingerprint.toLowerCase(),
          kitchen.fingerprint.replace("-", ""),
          kitchen.fingerprint.slice(2, 7),
          other.id.slice(0, 6),
          other.id.slice(0, 6).toUpperCase(),
          other.id,
          "-",
          "--",
          "zzzz-nothing",
        ];
        for (const query of queries) {
          const expected = all
            .filter((d) => deviceMatches(d, query))
            .sort(compareDevices)
            .map((d) => d.name);
          const got = (await store.listDevicesPage({ query, limit: 100 })).map((d) => d.name);
          expect(got, `query ${JSON.stringify(query)}`).toEqual(expected);
          expect(await store.countDevices({ query }), `count for ${JSON.stringify(query)}`).toBe(expected.length);
        }
        // The rule itself, so the comparison above can't pass by both sides matching everything or nothing.
        expect(all.filter((d) => deviceMatches(d, "kitchen")).map((d) => d.name)).toEqual(["Kitchen tablet"]);
        expect(all.filter((d) => deviceMatches(d, "KÜCHE"))).toEqual([]);
        expect(all.filter((d) => deviceMatches(d, "%")).map((d) => d.name)).toEqual(["100% done_ok"]);
        expect(all.filter((d) => deviceMatches(d, "-"))).toEqual([]); // a lone dash is no fingerprint term
      });

      it("pages a search with the same cursor rule", async () => {
        const matching = Array.from({ length: 5 }, (_, i) => deviceRecord({ name: `lab ${i}`, approvedAtMs: T0 + i }));
        await store.insertDevices([...matching, ...Array.from({ length: 4 }, (_, i) => deviceRecord({ name: `desk ${i}`, approvedAtMs: T0 + i }))]);
        const pages = await allPages({ query: "LAB" }, 2);
        expect(pages.flat()).toEqual([...matching].sort(compareDevices).map((d) => d.id));
        expect(await store.countDevices({ query: "lab" })).toBe(5);
      });

      it("finds the active twins of a waiting browser by exact name and user agent, earliest first, never the browser itself or a revoked one", async () => {
        const twin = deviceRecord({ name: "Laptop", userAgent: "UA 1", approvedAtMs: T0 + 2 });
        const older = deviceRecord({ name: "Laptop", userAgent: "UA 1", approvedAtMs: T0 + 1 });
        const revoked = deviceRecord({ name: "Tablet", userAgent: "UA 2" });
        await store.insertDevices([twin, older, revoked, deviceRecord({ name: "laptop", userAgent: "UA 1" })]);
        await store.revokeDevice(revoked.id, T0, "admin", audit("revoked"));
        const ids = async (name: string, ua: string, except: string) => (await store.findDeviceTwins(name, ua, except)).map((d) => d.id);
        expect(await ids("Laptop", "UA 1", newKey().id)).toEqual([older.id, twin.id]);
        expect(await ids("Laptop", "UA 1", older.id)).toEqual([twin.id]);
        expect(await ids("Laptop", "UA 9", newKey().id)).toEqual([]);
        expect(await ids("Tablet", "UA 2", newKey().id)).toEqual([]);
      });
    });

    describe("pending requests", () => {
      it("reads back a created request field for field and audits its creation", async () => {
        const p = pendingRecord();
        await store.createPending(p, audit("request_created", { requestId: p.id, deviceId: p.deviceId }));
        expect(await store.getPending(p.id)).toEqual(p);
        expect(await store.getPending("req_unknown")).toBeNull();
        expect(await store.listAudit({ limit: 10 })).toEqual([expect.objectContaining({ action: "request_created", requestId: p.id, deviceId: p.deviceId })]);
      });

      it("refuses a second request with the same id", async () => {
        const p = pendingRecord();
        await store.createPending(p, audit("request_created"));
        await expect(store.createPending({ ...p, code: "BCDFGHJK" }, audit("request_created"))).rejects.toThrow();
        expect((await store.getPending(p.id))!.code).toBe(p.code);
      });

      it("refuses a second request while another still pending holds its code, and frees the code once that one is resolved", async () => {
        const first = pendingRecord({ expiresAtMs: T0 + MINUTE });
        await store.createPending(first, audit("request_created"));
        const twin = pendingRecord({ code: first.code });
        // Even past its expiry: until the sweep marks it expired, the row still holds the code.
        await expect(store.createPending(twin, audit("request_created"))).rejects.toMatchObject({ name: "StoreError", code: "code_taken" });
        expect(await store.getPending(twin.id)).toBeNull();
        expect(await auditActions()).toEqual(["request_created"]);
        await store.resolvePending(first.id, "expired", audit("expired"));
        await store.createPending(twin, audit("request_created"));
        expect(await store.findLivePendingByCode(first.code, T0)).toEqual(twin);
      });

      it("finds the live request by device and by code until the moment it expires", async () => {
        const p = pendingRecord({ expiresAtMs: T0 + 10 * MINUTE });
        await store.createPending(p, audit("request_created"));
        expect(await store.findLivePendingByDevice(p.deviceId, T0 + 10 * MINUTE - 1)).toEqual(p);
        expect(await store.findLivePendingByCode(p.code, T0 + 10 * MINUTE - 1)).toEqual(p);
        expect(await store.findLivePendingByDevice(p.deviceId, T0 + 10 * MINUTE)).toBeNull();
        expect(await store.findLivePendingByCode(p.code, T0 + 10 * MINUTE)).toBeNull();
        expect(await store.findLivePendingByDevice(newKey().id, T0)).toBeNull();
        expect(await store.findLivePendingByCode("BCDFBCDF", T0)).toBeNull();
      });

      it("does not find a request once it is approved, rejected or expired", async () => {
        const [a, r, e] = [pendingRecord(), pendingRecord(), pendingRecord()];
        for (const p of [a!, r!, e!]) await store.createPending(p, audit("request_created"));
        expect(await store.approvePending(a!.id, T0, deviceFor(a!), [audit("approved")])).toBe(true);
        expect(await store.resolvePending(r!.id, "rejected", audit("rejected"))).toBe(true);
        expect(await store.resolvePending(e!.id, "expired", audit("expired"))).toBe(true);
        for (const p of [a!, r!, e!]) {
          expect(await store.findLivePendingByDevice(p.deviceId, T0)).toBeNull();
          expect(await store.findLivePendingByCode(p.code, T0)).toBeNull();
        }
        expect(await store.listLivePending(T0)).toEqual([]);
        expect((await store.getPending(a!.id))!.status).toBe("approved");
        expect((await store.getPending(r!.id))!.status).toBe("rejected");
        expect((await store.getPending(e!.id))!.status).toBe("expired");
      });

      it("lists live requests oldest first, leaving out expired and resolved ones", async () => {
        const late = pendingRecord({ createdAtMs: T0 + 3, expiresAtMs: T0 + 20 * MINUTE });
        const early = pendingRecord({ createdAtMs: T0 + 1, expiresAtMs: T0 + 20 * MINUTE });
        const expired = pendingRecord({ createdAtMs: T0 + 2, expiresAtMs: T0 + MINUTE });
        const rejected = pendingRecord({ createdAtMs: T0 + 4, expiresAtMs: T0 + 20 * MINUTE });
        for (const p of [late, early, expired, rejected]) await store.createPending(p, audit("request_created"));
        await store.resolvePending(rejected.id, "rejected", audit("rejected"));
        expect((await store.listLivePending(T0 + 5 * MINUTE)).map((p) => p.id)).toEqual([early.id, late.id]);
        expect((await store.listLivePending(T0)).map((p) => p.id)).toEqual([early.id, expired.id, late.id]);
      });

      it("lists as due exactly the requests still pending whose expiry is at or before now", async () => {
        const due = pendingRecord({ expiresAtMs: T0 + MINUTE });
        const dueNow = pendingRecord({ expiresAtMs: T0 + 2 * MINUTE });
        const notYet = pendingRecord({ expiresAtMs: T0 + 2 * MINUTE + 1 });
        const handled = pendingRecord({ expiresAtMs: T0 + MINUTE });
        for (const p of [due, dueNow, notYet, handled]) await store.createPending(p, audit("request_created"));
        await store.resolvePending(handled.id, "rejected", audit("rejected"));
        expect((await store.listDuePending(T0 + 2 * MINUTE)).map((p) => p.id).sort()).toEqual([due.id, dueNow.id].sort());
      });

      it("approves exactly once: the request becomes approved, the device appears and the audit entries are appended in order", async () => {
        const p = pendingRecord();
        await store.createPending(p, audit("request_created"));
        const device = deviceFor(p, { role: "admin" });
        const entries = [audit("approved", { requestId: p.id, deviceId: p.deviceId }), audit("renamed", { deviceId: p.deviceId })];
        expect(await store.approvePending(p.id, T0 + 1, device, entries)).toBe(true);
        expect((await store.getPending(p.id))!.status).toBe("approved");
        expect(await store.getDevice(p.deviceId)).toEqual(device);
        expect(await store.approvePending(p.id, T0 + 2, deviceFor(p), [audit("approved")])).toBe(false);
        expect(await auditActions()).toEqual(["request_created", "approved", "renamed"]);
      });

      it("lets exactly one of two concurrent approvals of the same request win", async () => {
        const p = pendingRecord();
        await store.createPending(p, audit("request_created"));
        const results = await Promise.all([
          store.approvePending(p.id, T0 + 1, deviceFor(p, { name: "first", approvedBy: "cli" }), [audit("approved", { actor: "cli" })]),
          store.approvePending(p.id, T0 + 1, deviceFor(p, { name: "second", approvedBy: "dashboard" }), [audit("approved", { actor: "dashboard" })]),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results[0] ? "first" : "second";
        expect(await store.listDevices()).toEqual([expect.objectContaining({ id: p.deviceId, name: winner })]);
        expect((await store.listAudit({ limit: 10 })).filter((e) => e.action === "approved")).toHaveLength(1);
      });

      it("refuses to approve a request at or after its expiry and leaves it pending for the sweep", async () => {
        const p = pendingRecord({ expiresAtMs: T0 + 10 * MINUTE });
        await store.createPending(p, audit("request_created"));
        expect(await store.approvePending(p.id, T0 + 10 * MINUTE, deviceFor(p), [audit("approved")])).toBe(false);
        expect(await store.approvePending(p.id, T0 + 11 * MINUTE, deviceFor(p), [audit("approved")])).toBe(false);
        expect((await store.getPending(p.id))!.status).toBe("pending");
        expect(await store.getDevice(p.deviceId)).toBeNull();
        expect(await auditActions()).toEqual(["request_created"]);
      });

      it("refuses to approve a rejected, expired or unknown request", async () => {
        const [r, e] = [pendingRecord(), pendingRecord()];
        for (const p of [r!, e!]) await store.createPending(p, audit("request_created"));
        await store.resolvePending(r!.id, "rejected", audit("rejected"));
        await store.resolvePending(e!.id, "expired", audit("expired"));
        expect(await store.approvePending(r!.id, T0, deviceFor(r!), [audit("approved")])).toBe(false);
        expect(await store.approvePending(e!.id, T0, deviceFor(e!), [audit("approved")])).toBe(false);
        expect(await store.approvePending("req_unknown", T0, deviceRecord(), [audit("approved")])).toBe(false);
        expect(await store.listDevices({ includeRevoked: true })).toEqual([]);
      });

      it("revokes the replaced device in the same step as the approval", async () => {
        const old = deviceRecord({ name: "Laptop" });
        await store.insertDevices([old]);
        const p = pendingRecord({ name: "Laptop" });
        await store.createPending(p, audit("request_created"));
        expect(
          await store.approvePending(p.id, T0 + 7, deviceFor(p), [audit("approved"), audit("revoked", { deviceId: old.id })], {
            deviceId: old.id,
            by: "Alice",
          }),
        ).toBe(true);
        expect(await store.getDevice(old.id)).toMatchObject({ revokedAtMs: T0 + 7, revokedBy: "Alice", revokedReason: "replaced" });
        expect((await store.listDevices()).map((d) => d.id)).toEqual([p.deviceId]);
      });

      it("leaves the request pending, the replaced device active and the audit untouched when the approval fails midway", async () => {
        const old = deviceRecord();
        const p = pendingRecord();
        await store.createPending(p, audit("request_created"));
        // A device with the request's id already exists, so inserting it is the step that fails.
        const squatter = deviceFor(p, { name: "already here" });
        await store.insertDevices([old, squatter]);
        await expect(store.approvePending(p.id, T0 + 1, deviceFor(p), [audit("approved")], { deviceId: old.id, by: "Alice" })).rejects.toThrow();
        expect((await store.getPending(p.id))!.status).toBe("pending");
        expect(await store.findLivePendingByCode(p.code, T0 + 1)).toEqual(p);
        expect(await store.getDevice(old.id)).toMatchObject({ revokedAtMs: null, revokedBy: null });
        expect((await store.getDevice(p.deviceId))!.name).toBe("already here");
        expect(await auditActions()).toEqual(["request_created"]);
      });

      it("resolves a pending request exactly once, as rejected or as expired", async () => {
        const [r, e] = [pendingRecord(), pendingRecord()];
        for (const p of [r!, e!]) await store.createPending(p, audit("request_created"));
        expect(await store.resolvePending(r!.id, "rejected", audit("rejected"))).toBe(true);
        expect(await store.resolvePending(r!.id, "expired", audit("expired"))).toBe(false);
        expect(await store.resolvePending(e!.id, "expired", audit("expired"))).toBe(true);
        expect(await store.resolvePending(e!.id, "rejected", audit("rejected"))).toBe(false);
        expect(await store.resolvePending("req_unknown", "rejected", audit("rejected"))).toBe(false);
        expect((await store.getPending(r!.id))!.status).toBe("rejected");
        expect((await store.getPending(e!.id))!.status).toBe("expired");
        expect(await auditActions()).toEqual(["request_created", "request_created", "rejected", "expired"]);
      });

      it("does not resolve a request that was already approved", async () => {
        const p = pendingRecord();
        await store.createPending(p, audit("request_created"));
        await store.approvePending(p.id, T0, deviceFor(p), [audit("approved")]);
        expect(await store.resolvePending(p.id, "rejected", audit("rejected"))).toBe(false);
        expect((await store.getPending(p.id))!.status).toBe("approved");
      });
    });

    describe("invites", () => {
      it("finds an invite by its token hash only", async () => {
        const i = inviteRecord();
        await store.createInvite(i, audit("invite_created", { detail: { inviteId: i.id } }));
        expect(await store.findInviteByHash(i.tokenHash)).toEqual(i);
        expect(await store.findInviteByHash("0".repeat(64))).toBeNull();
        expect(await auditActions()).toEqual(["invite_created"]);
      });

      it("lists invites newest first", async () => {
        const [a, b, c] = [inviteRecord({ createdAtMs: T0 + 2 }), inviteRecord({ createdAtMs: T0 + 3 }), inviteRecord({ createdAtMs: T0 + 1 })];
        for (const i of [a!, b!, c!]) await store.createInvite(i, audit("invite_created"));
        expect((await store.listInvites()).map((i) => i.id)).toEqual([b!.id, a!.id, c!.id]);
      });

      it("redeems an invite exactly once, inserting the device with it", async () => {
        const i = inviteRecord({ role: "admin" });
        await store.createInvite(i, audit("invite_created"));
        const first = deviceRecord({ role: "admin", approvedVia: "invite" });
        const second = deviceRecord({ role: "admin", approvedVia: "invite" });
        expect(await store.redeemInvite(i.id, T0 + 5, first, [audit("invite_used"), audit("approved")])).toBe(true);
        expect(await store.redeemInvite(i.id, T0 + 6, second, [audit("invite_used")])).toBe(false);
        expect(await store.findInviteByHash(i.tokenHash)).toMatchObject({ usedAtMs: T0 + 5, usedByDeviceId: first.id });
        expect(await store.getDevice(first.id)).toEqual(first);
        expect(await store.getDevice(second.id)).toBeNull();
        expect(await auditActions()).toEqual(["invite_created", "invite_used", "approved"]);
      });

      it("moves the redeeming key's own pending request to approved in the same step, and no other request", async () => {
        const i = inviteRecord();
        await store.createInvite(i, audit("invite_created"));
        const device = deviceRecord({ approvedVia: "invite" });
        const own = pendingRecord({ deviceId: device.id, publicKey: device.publicKey });
        const other = pendingRecord();
        for (const p of [own, other]) await store.createPending(p, audit("request_created"));
        expect(await store.redeemInvite(i.id, T0 + 5, device, [audit("invite_used")])).toBe(true);
        expect((await store.getPending(own.id))?.status).toBe("approved");
        expect((await store.getPending(other.id))?.status).toBe("pending");
        expect((await store.listLivePending(T0 + 5)).map((p) => p.id)).toEqual([other.id]);
      });

      it("lets exactly one of two concurrent redemptions of the same invite win", async () => {
        const i = inviteRecord();
        await store.createInvite(i, audit("invite_created"));
        const [a, b] = [deviceRecord(), deviceRecord()];
        const results = await Promise.all([
          store.redeemInvite(i.id, T0 + 1, a!, [audit("invite_used")]),
          store.redeemInvite(i.id, T0 + 1, b!, [audit("invite_used")]),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.listDevices()).toHaveLength(1);
      });

      it("refuses to redeem an invite at or after its expiry", async () => {
        const i = inviteRecord({ expiresAtMs: T0 + 15 * MINUTE });
        await store.createInvite(i, audit("invite_created"));
        expect(await store.redeemInvite(i.id, T0 + 15 * MINUTE, deviceRecord(), [audit("invite_used")])).toBe(false);
        expect(await store.listDevices()).toEqual([]);
        expect(await store.redeemInvite(i.id, T0 + 15 * MINUTE - 1, deviceRecord(), [audit("invite_used")])).toBe(true);
      });

      it("refuses to redeem a revoked or unknown invite", async () => {
        const i = inviteRecord();
        await store.createInvite(i, audit("invite_created"));
        expect(await store.revokeInvite(i.id, T0 + 1, audit("invite_revoked"))).toBe(true);
        expect(await store.redeemInvite(i.id, T0 + 2, deviceRecord(), [audit("invite_used")])).toBe(false);
        expect(await store.redeemInvite("inv_unknown", T0 + 2, deviceRecord(), [audit("invite_used")])).toBe(false);
        expect(await store.listDevices()).toEqual([]);
        expect(await auditActions()).toEqual(["invite_created", "invite_revoked"]);
      });

      it("revokes an unused invite exactly once, and never a used one", async () => {
        const [unused, used] = [inviteRecord(), inviteRecord()];
        for (const i of [unused!, used!]) await store.createInvite(i, audit("invite_created"));
        await store.redeemInvite(used!.id, T0 + 1, deviceRecord(), [audit("invite_used")]);
        expect(await store.revokeInvite(unused!.id, T0 + 2, audit("invite_revoked"))).toBe(true);
        expect(await store.revokeInvite(unused!.id, T0 + 3, audit("invite_revoked"))).toBe(false);
        expect(await store.revokeInvite(used!.id, T0 + 3, audit("invite_revoked"))).toBe(false);
        expect(await store.revokeInvite("inv_unknown", T0 + 3, audit("invite_revoked"))).toBe(false);
        expect(await store.findInviteByHash(unused!.tokenHash)).toMatchObject({ revokedAtMs: T0 + 2 });
        expect(await store.findInviteByHash(used!.tokenHash)).toMatchObject({ revokedAtMs: null });
      });

      it("leaves the invite unused when inserting its device fails", async () => {
        const i = inviteRecord();
        await store.createInvite(i, audit("invite_created"));
        const existing = deviceRecord();
        await store.insertDevices([existing]);
        await expect(store.redeemInvite(i.id, T0 + 1, { ...existing, name: "dup" }, [audit("invite_used")])).rejects.toThrow();
        expect(await store.findInviteByHash(i.tokenHash)).toMatchObject({ usedAtMs: null, usedByDeviceId: null });
        expect(await auditActions()).toEqual(["invite_created"]);
      });
    });

    describe("sessions", () => {
      it("creates, reads back, lists per device and ends one session", async () => {
        const a = deviceRecord();
        const b = deviceRecord();
        await store.insertDevices([a, b]);
        const s1 = sessionRecord({ deviceId: a.id });
        const s2 = sessionRecord({ deviceId: a.id, createdAtMs: T0 + 1 });
        const s3 = sessionRecord({ deviceId: b.id });
        for (const s of [s1, s2, s3]) await store.createSession(s);
        expect(await store.getSession(s1.id)).toEqual(s1);
        expect(await store.getSession("ses_missing")).toBeNull();
        expect((await store.listSessions({ deviceId: a.id })).map((s) => s.id)).toEqual([s1.id, s2.id]);
        expect((await store.listSessions()).map((s) => s.id).sort()).toEqual([s1.id, s2.id, s3.id].sort());
        expect(await store.endSession(s1.id)).toBe(true);
        expect(await store.endSession(s1.id)).toBe(false);
        expect((await store.listSessions({ deviceId: a.id })).map((s) => s.id)).toEqual([s2.id]);
      });

      it("refuses a second session with the same token hash", async () => {
        const s = sessionRecord({ deviceId: "dev_a" });
        await store.createSession(s);
        await expect(store.createSession(sessionRecord({ deviceId: "dev_b", tokenHash: s.tokenHash }))).rejects.toThrow();
      });

      it("moves last use forward only, in one batch", async () => {
        const s1 = sessionRecord({ deviceId: "dev_a" });
        const s2 = sessionRecord({ deviceId: "dev_a" });
        await store.createSession(s1);
        await store.createSession(s2);
        await store.touchSessions([
          { id: s1.id, lastUsedAtMs: T0 + 500 },
          { id: s2.id, lastUsedAtMs: T0 - 500 },
          { id: "ses_gone", lastUsedAtMs: T0 },
        ]);
        expect((await store.getSession(s1.id))!.lastUsedAtMs).toBe(T0 + 500);
        expect((await store.getSession(s2.id))!.lastUsedAtMs).toBe(T0);
      });

      it("ends every session of a device, and revoking the device ends them too", async () => {
        const a = deviceRecord();
        const b = deviceRecord();
        await store.insertDevices([a, b]);
        await store.createSession(sessionRecord({ deviceId: a.id }));
        await store.createSession(sessionRecord({ deviceId: a.id }));
        await store.createSession(sessionRecord({ deviceId: b.id }));
        expect(await store.endDeviceSessions(a.id)).toBe(2);
        expect(await store.endDeviceSessions(a.id)).toBe(0);
        expect(await store.revokeDevice(b.id, T0 + 1, "Alice", audit("revoked", { deviceId: b.id }))).toBe(true);
        expect(await store.listSessions()).toEqual([]);
      });

      it("ends the sessions of the device a re-pair replaces", async () => {
        const old = deviceRecord();
        await store.insertDevices([old]);
        await store.createSession(sessionRecord({ deviceId: old.id }));
        const p = pendingRecord();
        await store.createPending(p, audit("request_created"));
        expect(await store.approvePending(p.id, T0, deviceFor(p), [audit("approved")], { deviceId: old.id, by: "Alice" })).toBe(true);
        expect(await store.listSessions({ deviceId: old.id })).toEqual([]);
      });

      it("deletes sessions past their absolute end or idle too long, and keeps the rest", async () => {
        const live = sessionRecord({ deviceId: "dev_a", lastUsedAtMs: T0 + 10, expiresAtMs: T0 + 100 });
        const ended = sessionRecord({ deviceId: "dev_a", lastUsedAtMs: T0 + 10, expiresAtMs: T0 + 50 });
        const idle = sessionRecord({ deviceId: "dev_a", lastUsedAtMs: T0 + 1, expiresAtMs: T0 + 100 });
        for (const s of [live, ended, idle]) await store.createSession(s);
        expect(await store.deleteExpiredSessions(T0 + 50, T0 + 5)).toBe(2);
        expect((await store.listSessions()).map((s) => s.id)).toEqual([live.id]);
      });
    });

    describe("session tickets", () => {
      const ticket = (hash: string, expiresAtMs = T0 + 30_000) => ({ hash, deviceId: "dev_a", origin: "https://app.example", expiresAtMs });

      it("gives a ticket back once, whole, and then never again", async () => {
        await store.createTicket(ticket("h1"));
        expect(await store.takeTicket("h1")).toEqual(ticket("h1"));
        expect(await store.takeTicket("h1")).toBeNull();
        expect(await store.takeTicket("unknown")).toBeNull();
      });

      it("refuses a second ticket with the same hash", async () => {
        await store.createTicket(ticket("h1"));
        await expect(store.createTicket(ticket("h1"))).rejects.toThrow();
      });

      it("deletes tickets whose end has passed, and keeps the rest", async () => {
        await store.createTicket(ticket("ended", T0 + 10));
        await store.createTicket(ticket("live", T0 + 20));
        expect(await store.deleteExpiredTickets(T0 + 10)).toBe(1);
        expect(await store.takeTicket("ended")).toBeNull();
        expect(await store.takeTicket("live")).toEqual(ticket("live", T0 + 20));
      });
    });

    describe("audit log", () => {
      it("gives increasing ids and lists newest first", async () => {
        await store.appendAudit([audit("request_created", { atMs: T0 + 1 })]);
        await store.appendAudit([audit("approved", { atMs: T0 + 2 }), audit("renamed", { atMs: T0 + 3 })]);
        await store.appendAudit([audit("revoked", { atMs: T0 + 4 })]);
        const entries = await store.listAudit({ limit: 10 });
        expect(entries.map((e) => e.action)).toEqual(["revoked", "renamed", "approved", "request_created"]);
        const ids = entries.map((e) => e.id);
        for (let i = 1; i < ids.length; i++) expect(ids[i - 1]!).toBeGreaterThan(ids[i]!);
        expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
      });

      it("pages with limit and beforeId without gaps or overlaps", async () => {
        await store.appendAudit(Array.from({ length: 7 }, (_, i) => audit("handshake_refused", { atMs: T0 + i, detail: { n: i } })));
        const seen: number[] = [];
        let beforeId: number | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await store.listAudit({ limit: 3, ...(beforeId !== undefined ? { beforeId } : {}) });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          seen.push(...page.map((e) => e.detail.n as number));
          beforeId = page.at(-1)!.id;
        }
        expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0]);
      });

      it("keeps every field of an entry and omits the ids that were not given", async () => {
        await store.appendAudit([
          { atMs: T0, action: "approved", actor: "Alice", deviceId: "dev1", requestId: "req1", detail: { via: "cli", count: 2, ok: true, none: null } },
          { atMs: T0 + 1, action: "expired", actor: "gateway" },
        ]);
        const [expired, approved] = await store.listAudit({ limit: 2 });
        expect(approved).toEqual({
          id: expect.any(Number),
          atMs: T0,
          action: "approved",
          actor: "Alice",
          deviceId: "dev1",
          requestId: "req1",
          detail: { via: "cli", count: 2, ok: true, none: null },
        });
        expect(expired).toEqual({ id: expect.any(Number), atMs: T0 + 1, action: "expired", actor: "gateway", detail: {} });
        expect(expired).not.toHaveProperty("deviceId");
        expect(expired).not.toHaveProperty("requestId");
      });
    });

    if (harness.reopen) {
      const reopen = harness.reopen;
      describe("durability", () => {
        it("keeps devices, requests, invites and audit entries across a close and reopen", async () => {
          const device = deviceRecord({ role: "admin" });
          await store.insertDevices([device]);
          const approved = pendingRecord();
          const waiting = pendingRecord();
          await store.createPending(approved, audit("request_created"));
          await store.createPending(waiting, audit("request_created"));
          await store.approvePending(approved.id, T0, deviceFor(approved), [audit("approved")]);
          const invite = inviteRecord();
          await store.createInvite(invite, audit("invite_created"));
          await store.revokeDevice(device.id, T0 + 1, "Alice", audit("revoked"));
          const before = {
            devices: await store.listDevices({ includeRevoked: true }),
            pending: await store.listLivePending(T0),
            approved: await store.getPending(approved.id),
            invites: await store.listInvites(),
            audit: await store.listAudit({ limit: 100 }),
          };
          store = await reopen(store);
          expect({
            devices: await store.listDevices({ includeRevoked: true }),
            pending: await store.listLivePending(T0),
            approved: await store.getPending(approved.id),
            invites: await store.listInvites(),
            audit: await store.listAudit({ limit: 100 }),
          }).toEqual(before);
          expect(before.devices).toHaveLength(2);
          expect(before.pending.map((p) => p.id)).toEqual([waiting.id]);
          await store.appendAudit([audit("renamed")]);
          expect((await store.listAudit({ limit: 1 }))[0]!.id).toBeGreaterThan(before.audit[0]!.id);
        });
      });
    }
  });
}
