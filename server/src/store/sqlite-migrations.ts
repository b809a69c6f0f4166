// SQLite schema migrations, run in one IMMEDIATE transaction at open; `PRAGMA user_version` holds the version
// reached. Never edit a migration that has shipped: add the next number. The Postgres list uses the same numbers.
import type { Migration } from "./migrations.js";

/** The first schema, as pairgate 0.1.0 created it (inline, with IF NOT EXISTS, before migrations existed). */
const V1 = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY,
  public_key BLOB NOT NULL,
  fingerprint TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  key_storage TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  approved_at_ms INTEGER NOT NULL,
  approved_by TEXT NOT NULL,
  approved_via TEXT NOT NULL,
  last_seen_at_ms INTEGER,
  last_seen_address TEXT,
  last_seen_class TEXT,
  revoked_at_ms INTEGER,
  revoked_by TEXT
);
CREATE TABLE IF NOT EXISTS pending (
  id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  public_key BLOB NOT NULL,
  code TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  name TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  key_storage TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  address TEXT NOT NULL,
  network_class TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_live_device ON pending (device_id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS pending_live_code ON pending (code) WHERE status = 'pending';
CREATE TABLE IF NOT EXISTS invites (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  used_at_ms INTEGER,
  used_by_device_id TEXT,
  revoked_at_ms INTEGER
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  device_id TEXT,
  request_id TEXT,
  detail TEXT NOT NULL
);
`;

/**
 * Live pairing codes are unique in the database, not only in one process's view, so that two gateways on one
 * database (or a race in one) can't hand out the same code. Of rows still marked pending that share a code (an
 * expired request the sweep had not reached yet), the one that expires last stays pending; the others become expired.
 */
const V2 = `
UPDATE pending SET status = 'expired'
  WHERE status = 'pending'
    AND EXISTS (SELECT 1 FROM pending o WHERE o.status = 'pending' AND o.code = pending.code
      AND (o.expires_at_ms > pending.expires_at_ms OR (o.expires_at_ms = pending.expires_at_ms AND o.rowid > pending.rowid)));
DROP INDEX IF EXISTS pending_live_code;
CREATE UNIQUE INDEX pending_live_code ON pending (code) WHERE status = 'pending';
`;

/** The admin list's order (newest approval first) and its keyset paging; twins of a waiting browser by name. */
const V3 = `
CREATE INDEX devices_list_order ON devices (approved_at_ms, id);
CREATE INDEX devices_name ON devices (name);
`;

/**
 * Device lifecycle: a guest device's end time, why a device was revoked, an invite's device lifetime, and the
 * indexes the expiry sweep reads (only active devices with an end time, and active devices by last seen).
 */
const V4 = `
ALTER TABLE devices ADD COLUMN expires_at_ms INTEGER;
ALTER TABLE devices ADD COLUMN revoked_reason TEXT;
ALTER TABLE invites ADD COLUMN device_expires_in_ms INTEGER;
CREATE INDEX devices_expires_at ON devices (expires_at_ms) WHERE expires_at_ms IS NOT NULL AND revoked_at_ms IS NULL;
CREATE INDEX devices_last_seen ON devices (last_seen_at_ms) WHERE revoked_at_ms IS NULL;
`;

/** Device sessions of the front door: the cookie's SHA-256 only, bound to a device (docs/front-door.md). */
const V5 = `
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  device_id TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  last_used_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
CREATE INDEX sessions_device ON sessions (device_id);
`;

/** The front door's one-time tickets, by hash only (server/src/sessions/tickets.ts), shared by replicas. */
const V6 = `
CREATE TABLE session_tickets (
  hash TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  origin TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
`;

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "initial schema", sql: V1 },
  { version: 2, name: "unique live pairing codes", sql: V2 },
  { version: 3, name: "device list order and name indexes", sql: V3 },
  { version: 4, name: "device expiry and revoke reasons", sql: V4 },
  { version: 5, name: "device sessions", sql: V5 },
  { version: 6, name: "session tickets", sql: V6 },
];
