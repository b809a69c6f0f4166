// Postgres schema migrations, run at start inside one transaction that holds an advisory lock, so two replicas
// starting at once don't race: the second waits, then finds nothing left to do. `pairgate_schema` records each
// version applied. Same numbers as the SQLite list for the same change; never edit one that has shipped.
import type { Migration } from "./migrations.js";

const V1 = `
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE devices (
  id text PRIMARY KEY,
  public_key bytea NOT NULL,
  fingerprint text NOT NULL,
  name text NOT NULL,
  role text NOT NULL,
  key_storage text NOT NULL,
  user_agent text NOT NULL,
  created_at_ms bigint NOT NULL,
  approved_at_ms bigint NOT NULL,
  approved_by text NOT NULL,
  approved_via text NOT NULL,
  last_seen_at_ms bigint,
  last_seen_address text,
  last_seen_class text,
  revoked_at_ms bigint,
  revoked_by text
);
CREATE INDEX devices_approved_at ON devices (approved_at_ms);
CREATE TABLE pending (
  id text PRIMARY KEY,
  device_id text NOT NULL,
  public_key bytea NOT NULL,
  code text NOT NULL,
  fingerprint text NOT NULL,
  name text NOT NULL,
  user_agent text NOT NULL,
  key_storage text NOT NULL,
  created_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL,
  address text NOT NULL,
  network_class text NOT NULL,
  status text NOT NULL
);
CREATE INDEX pending_live_device ON pending (device_id) WHERE status = 'pending';
CREATE INDEX pending_live_code ON pending (code) WHERE status = 'pending';
CREATE TABLE invites (
  id text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  role text NOT NULL,
  label text NOT NULL,
  created_at_ms bigint NOT NULL,
  created_by text NOT NULL,
  expires_at_ms bigint NOT NULL,
  used_at_ms bigint,
  used_by_device_id text,
  revoked_at_ms bigint
);
CREATE TABLE audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at_ms bigint NOT NULL,
  action text NOT NULL,
  actor text NOT NULL,
  device_id text,
  request_id text,
  detail jsonb NOT NULL
);
`;

/** Live codes unique across every replica (see sqlite-migrations.ts, version 2). */
const V2 = `
UPDATE pending p SET status = 'expired'
  WHERE status = 'pending'
    AND EXISTS (SELECT 1 FROM pending o WHERE o.status = 'pending' AND o.code = p.code
      AND (o.expires_at_ms > p.expires_at_ms OR (o.expires_at_ms = p.expires_at_ms AND o.id > p.id)));
DROP INDEX pending_live_code;
CREATE UNIQUE INDEX pending_live_code ON pending (code) WHERE status = 'pending';
`;

/**
 * The admin list's order and keyset paging (see sqlite-migrations.ts, version 3). Ids compare in the "C" collation,
 * byte order, as JavaScript compares them in compareDevices; the database's own collation may ignore '-' and '_'.
 */
const V3 = `
CREATE INDEX devices_list_order ON devices (approved_at_ms, id COLLATE "C");
CREATE INDEX devices_name ON devices (name);
`;

/** Device lifecycle (see sqlite-migrations.ts, version 4). */
const V4 = `
ALTER TABLE devices ADD COLUMN expires_at_ms bigint;
ALTER TABLE devices ADD COLUMN revoked_reason text;
ALTER TABLE invites ADD COLUMN device_expires_in_ms bigint;
CREATE INDEX devices_expires_at ON devices (expires_at_ms) WHERE expires_at_ms IS NOT NULL AND revoked_at_ms IS NULL;
CREATE INDEX devices_last_seen ON devices (last_seen_at_ms) WHERE revoked_at_ms IS NULL;
`;

/** Device sessions (see sqlite-migrations.ts, version 5). */
const V5 = `
CREATE TABLE sessions (
  id text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  device_id text NOT NULL,
  created_at_ms bigint NOT NULL,
  last_used_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX sessions_device ON sessions (device_id);
`;

/** Session tickets (see sqlite-migrations.ts, version 6). */
const V6 = `
CREATE TABLE session_tickets (
  hash text PRIMARY KEY,
  device_id text NOT NULL,
  origin text NOT NULL,
  expires_at_ms bigint NOT NULL
);
`;

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "initial schema", sql: V1 },
  { version: 2, name: "unique live pairing codes", sql: V2 },
  { version: 3, name: "device list order and name indexes", sql: V3 },
  { version: 4, name: "device expiry and revoke reasons", sql: V4 },
  { version: 5, name: "device sessions", sql: V5 },
  { version: 6, name: "session tickets", sql: V6 },
];
