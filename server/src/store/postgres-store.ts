// The shared store for several gateway replicas: PostgreSQL through `pg` (docs/scaling.md says why this client).
// Every acknowledged change is one transaction, and the transaction also sends a NOTIFY with the change's ids,
// so other replicas hear of it only once it is committed. Exactly-once rules (approve, redeem, revoke) are
// conditional UPDATEs: under READ COMMITTED the loser re-checks the row after the winner commits and finds it handled.
import pg from "pg";
import { searchTerms, type DeviceOrderKey, type RevokeReason } from "../../../shared/index.js";
import type {
  AuditInput,
  AuditRecord,
  DeviceFilter,
  DeviceRecord,
  DeviceStore,
  InviteRecord,
  LastSeen,
  PendingRecord,
  SessionRecord,
  SessionTouch,
  StoreChange,
  StoreInfo,
  TicketRecord,
} from "./device-store.js";
import { pendingMigrations } from "./migrations.js";
import { POSTGRES_MIGRATIONS } from "./postgres-migrations.js";
import { createPool, transaction, type Queryable } from "./postgres-pool.js";
import { CHANNEL, PostgresListener, type ChangePayload } from "./postgres-listener.js";
import { escapeLike, toAudit, toDevice, toInvite, toPending, toSession, toTicket, type Row } from "./rows.js";
import { codeTaken, StoreError } from "./store-error.js";

/** Any fixed number: every pairgate on one database takes this advisory lock to migrate. */
const MIGRATION_LOCK = 7_304_917_213;
const MIGRATION_TIMEOUT_MS = 30 * 60_000;
/**
 * Taken by each device expiry: two replicas expiring two admins at once would each still see the other one active
 * under READ COMMITTED, and leave none. Expiries are rare, so serialising them costs nothing.
 */
const EXPIRY_LOCK = 7_304_917_214;

export interface PostgresStoreOptions {
  /** This process's id, sent with each NOTIFY so that a replica skips its own changes. */
  replicaId: string;
  poolSize?: number;
  /** How long one statement (a lock wait included) may take before Postgres cuts it; tests shorten it. */
  statementTimeoutMs?: number;
  pingMs?: number;
  pingTimeoutMs?: number;
  maxBackoffMs?: number;
  onError?: (message: string) => void;
}

export class PostgresStore implements DeviceStore {
  private schemaVersion: number | null = null;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly listener: PostgresListener,
    private readonly url: string,
    private readonly replicaId: string,
  ) {}

  readonly changes = {
    subscribe: (l: Parameters<PostgresListener["subscribe"]>[0]) => this.listener.subscribe(l),
    health: () => this.listener.health(),
  };

  /** Connects, migrates under the advisory lock, and starts listening. Fails with store_unavailable or schema_too_new. */
  static async open(url: string, opts: PostgresStoreOptions): Promise<PostgresStore> {
    const where = redactUrl(url);
    const onError = opts.onError ?? (() => undefined);
    const pool = createPool({
      url,
      size: opts.poolSize ?? 10,
      applicationName: `pairgate ${opts.replicaId}`,
      statementTimeoutMs: opts.statementTimeoutMs,
      onError,
    });
    const listener = new PostgresListener({
      url,
      replicaId: opts.replicaId,
      pingMs: opts.pingMs ?? 2000,
      pingTimeoutMs: opts.pingTimeoutMs ?? 2000,
      maxBackoffMs: opts.maxBackoffMs ?? 2000,
      onError,
    });
    const store = new PostgresStore(pool, listener, url, opts.replicaId);
    try {
      await store.migrate(where);
      await listener.start();
    } catch (err) {
      await listener.close();
      await pool.end().catch(() => undefined); // the pool may never have connected
      if (err instanceof StoreError) throw err;
      throw new StoreError("store_unavailable", `cannot use the Postgres database at ${where}: ${describePgError(err)}`);
    }
    return store;
  }

  private async migrate(where: string): Promise<void> {
    await this.tx(async (c) => {
      // Replicas starting together queue on the lock while the first migrates, and a migration may build an index
      // on a large table: the migration alone runs without the pool's statement and query timeouts.
      // (query_timeout per query is read by pg at run time; its types only know the pool-wide option.)
      const q = (text: string, values?: unknown[]) => c.query({ text, values, query_timeout: MIGRATION_TIMEOUT_MS } as pg.QueryConfig);
      await q("SET LOCAL statement_timeout = 0");
      await q("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await q("CREATE TABLE IF NOT EXISTS pairgate_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
      const { rows } = await q("SELECT coalesce(max(version), 0) AS v FROM pairgate_schema");
      let version = Number(rows[0]!.v);
      for (const m of pendingMigrations(version, POSTGRES_MIGRATIONS, `the Postgres database at ${where}`)) {
        await q(m.sql);
        await q("INSERT INTO pairgate_schema (version, name) VALUES ($1, $2)", [m.version, m.name]);
        version = m.version;
      }
      this.schemaVersion = version;
    });
  }

  info(): StoreInfo {
    return { kind: "postgres", location: redactUrl(this.url), schemaVersion: this.schemaVersion };
  }

  private tx<T>(fn: (c: Queryable) => Promise<T>): Promise<T> {
    return transaction(this.pool, fn);
  }

  /** Sent inside the change's transaction: Postgres delivers it on commit only, and never for a rollback. */
  private async notify(c: Queryable, type: StoreChange["type"], id: string): Promise<void> {
    const payload: ChangePayload = { type, id, from: this.replicaId };
    await c.query("SELECT pg_notify($1, $2)", [CHANNEL, JSON.stringify(payload)]);
  }

  private async audit(c: Queryable, entries: AuditInput[]): Promise<void> {
    if (entries.length === 0) return;
    await c.query(
      `INSERT INTO audit (at_ms, action, actor, device_id, request_id, detail)
       SELECT a, b, c, d, e, f FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
         WITH ORDINALITY AS t(a, b, c, d, e, f, n) ORDER BY n`,
      [
        entries.map((e) => e.atMs),
        entries.map((e) => e.action),
        entries.map((e) => e.actor),
        entries.map((e) => e.deviceId ?? null),
        entries.map((e) => e.requestId ?? null),
        entries.map((e) => JSON.stringify(e.detail ?? {})),
      ],
    );
  }

  private async insertDeviceRows(c: Queryable, devices: DeviceRecord[]): Promise<void> {
    const col = <K extends keyof DeviceRecord>(k: K) => devices.map((d) => d[k]);
    await c.query(
      `INSERT INTO devices (id, public_key, fingerprint, name, role, key_storage, user_agent, created_at_ms, approved_at_ms,
         approved_by, approved_via, last_seen_at_ms, last_seen_address, last_seen_class, revoked_at_ms, revoked_by,
         expires_at_ms, revoked_reason)
       SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
         $9::bigint[], $10::text[], $11::text[], $12::bigint[], $13::text[], $14::text[], $15::bigint[], $16::text[],
         $17::bigint[], $18::text[])`,
      [
        col("id"),
        devices.map((d) => Buffer.from(d.publicKey)),
        col("fingerprint"),
        col("name"),
        col("role"),
        col("keyStorage"),
        col("userAgent"),
        col("createdAtMs"),
        col("approvedAtMs"),
        col("approvedBy"),
        col("approvedVia"),
        col("lastSeenAtMs"),
        col("lastSeenAddress"),
        col("lastSeenClass"),
        col("revokedAtMs"),
        col("revokedBy"),
        col("expiresAtMs"),
        col("revokedReason"),
      ],
    );
  }

  private async one(sql: string, params: unknown[]): Promise<Row | null> {
    return ((await this.pool.query(sql, params)).rows[0] as Row | undefined) ?? null;
  }

  private async all(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  async loadGatewayId(create: () => string): Promise<string> {
    const existing = await this.one("SELECT value FROM meta WHERE key = 'gateway_id'", []);
    if (existing) return String(existing.value);
    // Two replicas starting on an empty database: the first insert wins and both read the winner back.
    await this.pool.query("INSERT INTO meta (key, value) VALUES ('gateway_id', $1) ON CONFLICT (key) DO NOTHING", [create()]);
    return String((await this.one("SELECT value FROM meta WHERE key = 'gateway_id'", []))!.value);
  }

  async getDevice(id: string): Promise<DeviceRecord | null> {
    const row = await this.one("SELECT * FROM devices WHERE id = $1", [id]);
    return row ? toDevice(row) : null;
  }

  async listDevices(opts: { includeRevoked?: boolean } = {}): Promise<DeviceRecord[]> {
    const where = opts.includeRevoked ? "" : "WHERE revoked_at_ms IS NULL";
    return (await this.all(`SELECT * FROM devices ${where} ORDER BY approved_at_ms`)).map(toDevice);
  }

  /**
   * The filter as SQL, equal to `deviceMatches`: translate() folds ASCII letters only (as asciiLower does; ILIKE
   * would fold "Ü" too), and ids compare in the "C" collation, the byte order compareDevices uses.
   */
  private deviceWhere(opts: DeviceFilter & { after?: DeviceOrderKey }): { where: string; params: unknown[] } {
    const terms = searchTerms(opts.query);
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    if (!opts.includeRevoked) where.push("revoked_at_ms IS NULL");
    if (terms) {
      const fold = (col: string) => `translate(${col}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
      const fingerprint = terms.fingerprint ? `%${escapeLike(terms.fingerprint)}%` : null;
      where.push(
        `(${fold("name")} LIKE ${param(`%${escapeLike(terms.text)}%`)} OR ${fold("replace(fingerprint, '-', '')")} LIKE ${param(fingerprint)}` +
          ` OR id LIKE ${param(`${escapeLike(terms.idPrefix)}%`)})`,
      );
    }
    if (opts.after) where.push(`(approved_at_ms, id COLLATE "C") < (${param(opts.after.approvedAtMs)}, ${param(opts.after.id)} COLLATE "C")`);
    return { where: where.length ? `WHERE ${where.join(" AND ")}` : "", params };
  }

  async listDevicesPage(opts: DeviceFilter & { after?: DeviceOrderKey; limit: number }): Promise<DeviceRecord[]> {
    const { where, params } = this.deviceWhere(opts);
    const sql = `SELECT * FROM devices ${where} ORDER BY approved_at_ms DESC, id COLLATE "C" DESC LIMIT $${params.length + 1}`;
    return (await this.all(sql, [...params, opts.limit])).map(toDevice);
  }

  async countDevices(opts: DeviceFilter = {}): Promise<number> {
    const { where, params } = this.deviceWhere(opts);
    return Number((await this.one(`SELECT count(*) AS n FROM devices ${where}`, params))!.n);
  }

  async findDeviceTwins(name: string, userAgent: string, exceptId: string): Promise<DeviceRecord[]> {
    const sql = `SELECT * FROM devices WHERE name = $1 AND user_agent = $2 AND id <> $3 AND revoked_at_ms IS NULL ORDER BY approved_at_ms, id COLLATE "C"`;
    return (await this.all(sql, [name, userAgent, exceptId])).map(toDevice);
  }

  async countActiveAdmins(): Promise<number> {
    return Number((await this.one("SELECT count(*) AS n FROM devices WHERE revoked_at_ms IS NULL AND role = 'admin'", []))!.n);
  }

  async insertDevices(devices: DeviceRecord[]): Promise<void> {
    if (devices.length) await this.tx((c) => this.insertDeviceRows(c, devices));
  }

  async renameDevice(id: string, name: string, audit: AuditInput): Promise<boolean> {
    return this.tx(async (c) => {
      if ((await c.query("UPDATE devices SET name = $1 WHERE id = $2 AND revoked_at_ms IS NULL", [name, id])).rowCount !== 1) return false;
      await this.audit(c, [audit]);
      await this.notify(c, "device.updated", id);
      return true;
    });
  }

  async revokeDevice(id: string, atMs: number, by: string, audit: AuditInput): Promise<boolean> {
    return this.tx(async (c) => {
      if (!(await revoke(c, id, atMs, by, "revoked"))) return false;
      await this.audit(c, [audit]);
      await this.notify(c, "device.revoked", id);
      return true;
    });
  }

  async listDueDevices(nowMs: number, idleBeforeMs: number | null, limit: number): Promise<DeviceRecord[]> {
    const sql = `SELECT * FROM devices WHERE id IN (
        SELECT id FROM devices WHERE expires_at_ms IS NOT NULL AND revoked_at_ms IS NULL AND expires_at_ms <= $1
        UNION SELECT id FROM devices WHERE revoked_at_ms IS NULL AND last_seen_at_ms <= $2
      ) ORDER BY approved_at_ms, id COLLATE "C" LIMIT $3`;
    return (await this.all(sql, [nowMs, idleBeforeMs, limit])).map(toDevice);
  }

  async expireDevice(id: string, atMs: number, audit: AuditInput): Promise<boolean> {
    return this.tx(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock($1)", [EXPIRY_LOCK]);
      const won = await c.query(
        `UPDATE devices d SET revoked_at_ms = $1, revoked_by = 'gateway', revoked_reason = 'expired'
         WHERE id = $2 AND revoked_at_ms IS NULL
           AND (role <> 'admin' OR EXISTS (SELECT 1 FROM devices o WHERE o.role = 'admin' AND o.revoked_at_ms IS NULL AND o.id <> d.id))`,
        [atMs, id],
      );
      if (won.rowCount !== 1) return false;
      await c.query("DELETE FROM sessions WHERE device_id = $1", [id]);
      await this.audit(c, [audit]);
      await this.notify(c, "device.revoked", id);
      return true;
    });
  }

  async recordLastSeen(entries: LastSeen[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `UPDATE devices d SET last_seen_at_ms = v.at, last_seen_address = v.address, last_seen_class = v.class
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS v(id, at, address, class) WHERE d.id = v.id`,
      [entries.map((e) => e.deviceId), entries.map((e) => e.atMs), entries.map((e) => e.address), entries.map((e) => e.networkClass)],
    );
  }

  async getPending(id: string): Promise<PendingRecord | null> {
    const row = await this.one("SELECT * FROM pending WHERE id = $1", [id]);
    return row ? toPending(row) : null;
  }

  async findLivePendingByDevice(deviceId: string, nowMs: number): Promise<PendingRecord | null> {
    const row = await this.one("SELECT * FROM pending WHERE device_id = $1 AND status = 'pending' AND expires_at_ms > $2", [deviceId, nowMs]);
    return row ? toPending(row) : null;
  }

  async findLivePendingByCode(code: string, nowMs: number): Promise<PendingRecord | null> {
    const row = await this.one("SELECT * FROM pending WHERE code = $1 AND status = 'pending' AND expires_at_ms > $2", [code, nowMs]);
    return row ? toPending(row) : null;
  }

  async listLivePending(nowMs: number): Promise<PendingRecord[]> {
    return (await this.all("SELECT * FROM pending WHERE status = 'pending' AND expires_at_ms > $1 ORDER BY created_at_ms", [nowMs])).map(toPending);
  }

  async listDuePending(nowMs: number): Promise<PendingRecord[]> {
    return (await this.all("SELECT * FROM pending WHERE status = 'pending' AND expires_at_ms <= $1", [nowMs])).map(toPending);
  }

  async createPending(r: PendingRecord, audit: AuditInput): Promise<void> {
    try {
      await this.tx(async (c) => {
        await c.query(
          `INSERT INTO pending (id, device_id, public_key, code, fingerprint, name, user_agent, key_storage, created_at_ms,
             expires_at_ms, address, network_class, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            r.id,
            r.deviceId,
            Buffer.from(r.publicKey),
            r.code,
            r.fingerprint,
            r.name,
            r.userAgent,
            r.keyStorage,
            r.createdAtMs,
            r.expiresAtMs,
            r.address,
            r.networkClass,
            r.status,
          ],
        );
        await this.audit(c, [audit]);
        await this.notify(c, "pairing.requested", r.id);
      });
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e.code === "23505" && e.constraint === "pending_live_code") throw codeTaken();
      throw err;
    }
  }

  async approvePending(
    requestId: string,
    nowMs: number,
    device: DeviceRecord,
    audit: AuditInput[],
    replaces?: { deviceId: string; by: string },
  ): Promise<boolean> {
    return this.tx(async (c) => {
      const won = await c.query("UPDATE pending SET status = 'approved' WHERE id = $1 AND status = 'pending' AND expires_at_ms > $2", [requestId, nowMs]);
      if (won.rowCount !== 1) return false;
      if (replaces && (await revoke(c, replaces.deviceId, nowMs, replaces.by, "replaced"))) await this.notify(c, "device.revoked", replaces.deviceId);
      await this.insertDeviceRows(c, [device]);
      await this.audit(c, audit);
      await this.notify(c, "pairing.resolved", requestId);
      return true;
    });
  }

  async resolvePending(requestId: string, status: "rejected" | "expired", audit: AuditInput): Promise<boolean> {
    return this.tx(async (c) => {
      if ((await c.query("UPDATE pending SET status = $1 WHERE id = $2 AND status = 'pending'", [status, requestId])).rowCount !== 1) return false;
      await this.audit(c, [audit]);
      await this.notify(c, "pairing.resolved", requestId);
      return true;
    });
  }

  async createInvite(i: InviteRecord, audit: AuditInput): Promise<void> {
    await this.tx(async (c) => {
      await c.query(
        `INSERT INTO invites (id, token_hash, role, label, created_at_ms, created_by, expires_at_ms, used_at_ms, used_by_device_id, revoked_at_ms,
           device_expires_in_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [i.id, i.tokenHash, i.role, i.label, i.createdAtMs, i.createdBy, i.expiresAtMs, i.usedAtMs, i.usedByDeviceId, i.revokedAtMs, i.deviceExpiresInMs],
      );
      await this.audit(c, [audit]);
      await this.notify(c, "invites.changed", i.id);
    });
  }

  async findInviteByHash(tokenHash: string): Promise<InviteRecord | null> {
    const row = await this.one("SELECT * FROM invites WHERE token_hash = $1", [tokenHash]);
    return row ? toInvite(row) : null;
  }

  async listInvites(): Promise<InviteRecord[]> {
    return (await this.all("SELECT * FROM invites ORDER BY created_at_ms DESC LIMIT 200")).map(toInvite);
  }

  async redeemInvite(inviteId: string, nowMs: number, device: DeviceRecord, audit: AuditInput[]): Promise<boolean> {
    return this.tx(async (c) => {
      const won = await c.query(
        `UPDATE invites SET used_at_ms = $1, used_by_device_id = $2
         WHERE id = $3 AND used_at_ms IS NULL AND revoked_at_ms IS NULL AND expires_at_ms > $1`,
        [nowMs, device.id, inviteId],
      );
      if (won.rowCount !== 1) return false;
      await this.insertDeviceRows(c, [device]);
      await this.notify(c, "device.added", device.id);
      // A request this key still has pending is settled by the invite: the key is paired now.
      const settled = await c.query("UPDATE pending SET status = 'approved' WHERE device_id = $1 AND status = 'pending' RETURNING id", [device.id]);
      for (const row of settled.rows as Row[]) await this.notify(c, "pairing.resolved", String(row.id));
      await this.audit(c, audit);
      await this.notify(c, "invites.changed", inviteId);
      return true;
    });
  }

  async revokeInvite(inviteId: string, atMs: number, audit: AuditInput): Promise<boolean> {
    return this.tx(async (c) => {
      const done = await c.query("UPDATE invites SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL AND used_at_ms IS NULL", [atMs, inviteId]);
      if (done.rowCount !== 1) return false;
      await this.audit(c, [audit]);
      await this.notify(c, "invites.changed", inviteId);
      return true;
    });
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.tx(async (c) => {
      await c.query("INSERT INTO sessions (id, token_hash, device_id, created_at_ms, last_used_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6)", [
        s.id,
        s.tokenHash,
        s.deviceId,
        s.createdAtMs,
        s.lastUsedAtMs,
        s.expiresAtMs,
      ]);
      await this.notify(c, "session.created", s.id);
    });
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const row = await this.one("SELECT * FROM sessions WHERE id = $1", [id]);
    return row ? toSession(row) : null;
  }

  async listSessions(opts: { deviceId?: string } = {}): Promise<SessionRecord[]> {
    const rows =
      opts.deviceId === undefined
        ? await this.all("SELECT * FROM sessions ORDER BY created_at_ms")
        : await this.all("SELECT * FROM sessions WHERE device_id = $1 ORDER BY created_at_ms", [opts.deviceId]);
    return rows.map(toSession);
  }

  async touchSessions(entries: SessionTouch[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `UPDATE sessions s SET last_used_at_ms = greatest(s.last_used_at_ms, v.at)
       FROM unnest($1::text[], $2::bigint[]) AS v(id, at) WHERE s.id = v.id`,
      [entries.map((e) => e.id), entries.map((e) => e.lastUsedAtMs)],
    );
  }

  async endSession(id: string): Promise<boolean> {
    return this.tx(async (c) => {
      if ((await c.query("DELETE FROM sessions WHERE id = $1", [id])).rowCount !== 1) return false;
      await this.notify(c, "session.ended", id);
      return true;
    });
  }

  async endDeviceSessions(deviceId: string): Promise<number> {
    return this.tx(async (c) => {
      const n = (await c.query("DELETE FROM sessions WHERE device_id = $1", [deviceId])).rowCount ?? 0;
      if (n > 0) await this.notify(c, "device.sessions_ended", deviceId);
      return n;
    });
  }

  /** No NOTIFY: every replica expires sessions in memory by the same clock rules. */
  async deleteExpiredSessions(nowMs: number, idleBeforeMs: number): Promise<number> {
    return (await this.pool.query("DELETE FROM sessions WHERE expires_at_ms <= $1 OR last_used_at_ms < $2", [nowMs, idleBeforeMs])).rowCount ?? 0;
  }

  async createTicket(t: TicketRecord): Promise<void> {
    await this.pool.query("INSERT INTO session_tickets (hash, device_id, origin, expires_at_ms) VALUES ($1, $2, $3, $4)", [
      t.hash,
      t.deviceId,
      t.origin,
      t.expiresAtMs,
    ]);
  }

  async takeTicket(hash: string): Promise<TicketRecord | null> {
    const row = await this.one("DELETE FROM session_tickets WHERE hash = $1 RETURNING *", [hash]);
    return row ? toTicket(row) : null;
  }

  async deleteExpiredTickets(nowMs: number): Promise<number> {
    return (await this.pool.query("DELETE FROM session_tickets WHERE expires_at_ms <= $1", [nowMs])).rowCount ?? 0;
  }

  async appendAudit(entries: AuditInput[]): Promise<void> {
    await this.audit(this.pool, entries);
  }

  async listAudit(opts: { limit: number; beforeId?: number }): Promise<AuditRecord[]> {
    const rows = await this.all("SELECT * FROM audit WHERE id < $1 ORDER BY id DESC LIMIT $2", [opts.beforeId ?? Number.MAX_SAFE_INTEGER, opts.limit]);
    return rows.map(toAudit);
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener.close();
    await this.pool.end();
  }
}

/** Revokes an active device and ends its sessions in the same transaction. */
async function revoke(c: Queryable, id: string, atMs: number, by: string, reason: RevokeReason): Promise<boolean> {
  const sql = "UPDATE devices SET revoked_at_ms = $1, revoked_by = $2, revoked_reason = $3 WHERE id = $4 AND revoked_at_ms IS NULL";
  if ((await c.query(sql, [atMs, by, reason, id])).rowCount !== 1) return false;
  await c.query("DELETE FROM sessions WHERE device_id = $1", [id]);
  return true;
}

/** The URL as doctor and error messages show it: never the password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(an unreadable postgres:// URL)";
  }
}

/** A connection failure in words: the cause people can act on, not a stack. */
function describePgError(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: Array<{ code?: string; message?: string }> };
  const code = e.code ?? e.errors?.[0]?.code;
  const message = e.message || e.errors?.[0]?.message || String(err);
  if (code === "ECONNREFUSED") return `connection refused (${message}); is Postgres running and listening there?`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `the host name does not resolve (${message})`;
  if (code === "28P01" || code === "28000") return `the login was refused (${message}); check the user and password in the URL`;
  if (code === "3D000") return `${message}; create it first (createdb), or fix the database name in the URL`;
  return message;
}
