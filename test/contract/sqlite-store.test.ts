// The DeviceStore contract against SqliteStore on a real file, plus what only SQLite can promise: WAL with
// synchronous=FULL (durable before acknowledged, DESIGN §7) and no invite token in the database file (DESIGN §4).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { PairingService } from "../../server/src/pairing/pairing-service.js";
import { hashInviteToken } from "../../server/src/pairing/invites.js";
import { SignatureVerifier } from "../../server/src/pairing/verify-signature.js";
import { SqliteStore } from "../../server/src/store/sqlite-store.js";
import { runDeviceStoreContract } from "./device-store.contract.js";

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
    expect(() => openAt(file)).toThrow(/schema version 99 is newer/);
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
