// SQLite schema, applied at open. `user_version` tracks migrations; version 1 is the first schema.

export const SCHEMA_VERSION = 1;

export const SCHEMA_V1 = `
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
-- The admin list's order (newest approval first) and its keyset paging; twins of a waiting browser by name.
CREATE INDEX IF NOT EXISTS devices_list_order ON devices (approved_at_ms, id);
CREATE INDEX IF NOT EXISTS devices_name ON devices (name);
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
