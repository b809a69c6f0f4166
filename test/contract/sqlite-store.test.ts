// The DeviceStore contract against SqliteStore on a real file, plus what only SQLite can promise: WAL with
// synchronous=FULL (durable before acknowledged, docs/design.md#store) and no invite token in the database file
// (docs/design.md#pairing).
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { PairingService } from "../../server/src/pairing/pairing-service.js";
import { hashInviteToken } from "../../server/src/pairing/invites.js";
import { SignatureVerifier } from "../../server/src/pairing/verify-signature.js";
import { DUE_DEVICES_SQL, SqliteStore } from "../../server/src/store/sqlite-store.js";
import { runDeviceStoreContract } from "./device-store.contract.js";

/** Made by pairgate 0.1.0's SqliteStore (schema 1): two devices, one revoked, two pending rows, an invite, audit. */
const FIXTURE_V1 = join(import.meta.dirname, "../fixtures/sqlite-schema-v1.db");
const dirs: string[] = [];
const files = new WeakMap<SqliteStore, string>();

function tempDbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "pg-sqlite-contract-"));
  dirs.push(dir);
  return join(dir, "pairgate.db");
}

function openAt(file: string): SqliteStore {
  const store = new SqliteStore(file);
  files.set(store, file);
  return store;
}

runDeviceStoreContract("SqliteStore", {
  open: async () => openAt(tempDbFile()),
  reopen: async (store) => {
    const file = files.get(store as SqliteStore);
    if (!file) throw new Error("reopen: not a store this harness opened");
    await store.close();
    return openAt(file);
  },
  cleanup: () => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  },
});

describe("SqliteStore on disk", () => {
  const open: SqliteStore[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  const fresh = () => {
    const s = openAt(tempDbFile());
    open.push(s);
    return s;
  };

  it("runs in WAL mode with synchronous=FULL on its own connection", () => {
    const store = fresh();
    const db = store["db"]; // the store's own connection: synchronous is a per-connection setting
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
  });

  it("reads only indexes for the once-a-second due-devices sweep, with idle expiry on or off", () => {
    const db = fresh()["db"];
    for (const idleBefore of [null, 1_000]) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${DUE_DEVICES_SQL}`).all({ now: 2_000, idleBefore, limit: 100 }) as Array<{ detail: string }>;
      const details = plan.map((r) => r.detail);
      expect(details.filter((d) => d.startsWith("SCAN"))).toEqual([]); // a SCAN walks every device, every second
      expect(details).toEqual(
        expect.arrayContaining([expect.stringContaining("USING INDEX devices_expires_at"), expect.stringContaining("USING INDEX devices_last_seen")]),
      );
    }
  });

  it("leaves the file in WAL mode for any later connection", () => {
    const store = fresh();
    const other = new Database(files.get(store)!, { readonly: true });
    try {
      expect(other.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      other.close();
    }
  });

  it("refuses a database written by a newer schema version", async () => {
    const file = tempDbFile();
    const db = new Database(file);
    db.pragma("user_version = 99");
    db.close();
    expect(() => openAt(file)).toThrow(
      expect.objectContaining({
        name: "StoreError",
        code: "schema_too_new",
        message: expect.stringMatching(/schema version 99, newer than this pairgate understands \(6\)/),
      }),
    );
    const after = new Database(file, { readonly: true });
    expect(after.pragma("user_version", { simple: true })).toBe(99); // refused, not touched
    after.close();
  });

  it("upgrades a database made by pairgate 0.1.0 (schema 1, kept as a fixture) to the latest schema, keeping every row", async () => {
    const file = tempDbFile();
    copyFileSync(FIXTURE_V1, file);
    const before = new Database(file, { readonly: true });
    expect(before.pragma("user_version", { simple: true })).toBe(1);
    const rows = (table: string, db: Database.Database) => db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all() as Array<Record<string, unknown>>;
    const old = {
      devices: rows("devices", before),
      invites: rows("invites", before),
      audit: rows("audit", before),
      meta: rows("meta", before),
      pending: rows("pending", before),
    };
    before.close();
    // The fixture holds two rows still marked pending with one code: the live one and an expired one not yet swept.
    expect(old.pending.filter((p) => p.status === "pending" && p.code === "BCDFGHJK")).toHaveLength(2);

    const store = openAt(file);
    open.push(store);
    expect(store.info().schemaVersion).toBe(6);
    expect(await store.loadGatewayId(() => "not-this")).toBe("AAECAwQFBgcICQoLDA0ODw");
    const db = store["db"];
    expect({ devices: rows("devices", db), invites: rows("invites", db), audit: rows("audit", db), meta: rows("meta", db) }).toEqual({
      // v4 added the lifecycle columns, empty on old rows: no end time, no recorded revoke reason.
      devices: old.devices.map((d) => ({ ...d, expires_at_ms: null, revoked_reason: null })),
      invites: old.invites.map((i) => ({ ...i, device_expires_in_ms: null })),
      audit: old.audit,
      meta: old.meta,
    });
    const pending = rows("pending", db);
    const stale = old.pending.find((p) => p.name === "Stale tab")!;
    const live = old.pending.find((p) => p.name === "Waiting tab")!;
    expect(pending).toEqual(old.pending.map((p) => (p.id === stale.id ? { ...p, status: "expired" } : p)));
    expect((await store.findLivePendingByCode("BCDFGHJK", 1_764_028_800_000))!.id).toBe(live.id);
    expect((await store.listDevices({ includeRevoked: true })).map((d) => d.name).sort()).toEqual(["Admin laptop", "Old phone"]);
    // v2's unique index now guards the live code.
    await expect(
      store.createPending({ ...(await store.getPending(String(live.id)))!, id: "req_new" }, { atMs: 1, action: "request_created", actor: "t" }),
    ).rejects.toMatchObject({ code: "code_taken" });
    // v3 added the device list's indexes to the old file.
    const indexes = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'devices' AND sql IS NOT NULL ORDER BY name").all() as Array<{
        name: string;
      }>
    ).map((r) => r.name);
    expect(indexes).toEqual(["devices_expires_at", "devices_last_seen", "devices_list_order", "devices_name"]);

    await store.close();
    const again = openAt(file);
    open.push(again);
    expect(again.info().schemaVersion).toBe(6); // a second open has nothing left to run
  });

  it("creates a new database at the latest schema in one step", () => {
    expect(fresh().info().schemaVersion).toBe(6);
  });

  it("never writes an invite token to the database files, only its SHA-256", async () => {
    const file = tempDbFile();
    const store = openAt(file);
    open.push(store);
    const service = new PairingService({
      store,
      verifier: new SignatureVerifier(),
      now: () => 1_764_028_800_000,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      randomInt: () => 0,
      limits: { pendingPerAddress: 3, pendingTotal: 20 },
      requestRate: { hit: () => 0 },
      hasWaitingTab: () => false,
    });
    const created = await service.createInvite({ role: "admin", label: "first admin" }, { name: "cli", via: "cli" });
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await store.close(); // checkpoints the WAL into the main file; both are read below either way

    const dir = join(file, "..");
    const bytes = Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))));
    expect(bytes.includes(Buffer.from(hashInviteToken(created.token)))).toBe(true); // the search does find stored text
    expect(bytes.includes(Buffer.from(created.token))).toBe(false);
    expect(bytes.includes(Buffer.from(created.token.slice(0, 16)))).toBe(false);
  });
});
