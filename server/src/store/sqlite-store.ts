// The embedded default store: better-sqlite3 in WAL mode with synchronous=FULL, so a commit is on disk
// before its promise resolves and a kill -9 loses nothing acknowledged (docs/design.md#store).
import { chmodSync, closeSync, openSync } from "node:fs";
import Database from "better-sqlite3";
import { searchTerms, type DeviceOrderKey } from "../../../shared/index.js";
import type {
  AuditInput,
  AuditRecord,
  DeviceFilter,
  DeviceRecord,
  DeviceStore,
  InviteRecord,
  LastSeen,
  PendingRecord,
  PendingStatus,
  SessionRecord,
  SessionTouch,
  StoreInfo,
  TicketRecord,
} from "./device-store.js";
import { pendingMigrations } from "./migrations.js";
import { escapeLike, toAudit, toDevice, toInvite, toPending, toSession, toTicket, type Row } from "./rows.js";
import { SQLITE_MIGRATIONS } from "./sqlite-migrations.js";
import { codeTaken } from "./store-error.js";

/** The database file fails SQLite's quick_check or can't be read as a database: the gateway must not start on it. */
export class DamagedDatabaseError extends Error {
  override name = "DamagedDatabaseError";
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(
      `the database ${file} is damaged (${detail}). Restore it from a backup, or move it (and its -wal and -shm files) aside to start with no paired browsers`,
    );
  }
}

/**
 * The DB holds live pending codes, so it and its -wal and -shm are 0600 whatever the umask or the dir's mode.
 * SQLite creates -wal and -shm with the main file's mode, so creating that one 0600 first covers all three.
 */
function makePrivate(file: string): void {
  closeSync(openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(f, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err; // no -wal/-shm yet: SQLite makes them 0600
    }
  }
}

/**
 * Devices the sweep expires, run once a second. Both halves read their own partial index; the last active admin is
 * never expired (see expireDevice). The idle half names its index: left to itself, SQLite's planner walks the whole
 * table for it (EXPLAIN: SCAN devices), about 8 ms a second at 5,000 devices even with idle expiry off.
 */
export const DUE_DEVICES_SQL = `SELECT * FROM devices WHERE id IN (
    SELECT id FROM devices WHERE expires_at_ms IS NOT NULL AND revoked_at_ms IS NULL AND expires_at_ms <= @now
    UNION SELECT id FROM devices INDEXED BY devices_last_seen WHERE revoked_at_ms IS NULL AND last_seen_at_ms <= @idleBefore
  ) ORDER BY approved_at_ms, id LIMIT @limit`;

export class SqliteStore implements DeviceStore {
  private readonly db: Database.Database;
  private readonly stmt: ReturnType<SqliteStore["prepare"]>;
  /** Device list and count statements, one per combination of filters, prepared on first use. */
  private readonly deviceQueries = new Map<string, Database.Statement>();

  constructor(private readonly file: string) {
    makePrivate(file);
    try {
      this.db = new Database(file);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = FULL");
      this.db.pragma("foreign_keys = ON");
      this.db.pragma("busy_timeout = 5000");
      // A damaged DB used to start and answer `internal` to everything; refuse it at start instead.
      const check = this.db.pragma("quick_check(5)", { simple: false }) as Array<{ quick_check: string }>;
      if (check[0]?.quick_check !== "ok") throw new DamagedDatabaseError(file, check.map((r) => r.quick_check).join("; "));
    } catch (err) {
      if (err instanceof DamagedDatabaseError) throw err;
      const code = (err as { code?: string }).code ?? "";
      if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") throw new DamagedDatabaseError(file, (err as Error).message);
      throw err;
    }
    try {
      this.migrate(file);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.stmt = this.prepare();
  }

  /** Runs the pending migrations in one IMMEDIATE transaction: a second process opening the file waits, then sees them done. */
  private migrate(file: string): void {
    this.db
      .transaction(() => {
        const current = this.db.pragma("user_version", { simple: true }) as number;
        for (const m of pendingMigrations(current, SQLITE_MIGRATIONS, `the database ${file}`)) {
          this.db.exec(m.sql);
          this.db.pragma(`user_version = ${m.version}`);
        }
      })
      .immediate();
  }

  info(): StoreInfo {
    return { kind: "sqlite", location: this.file, schemaVersion: this.db.pragma("user_version", { simple: true }) as number };
  }

  private prepare() {
    const db = this.db;
    return {
      getMeta: db.prepare("SELECT value FROM meta WHERE key = ?"),
      setMeta: db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)"),
      getDevice: db.prepare("SELECT * FROM devices WHERE id = ?"),
      listActive: db.prepare("SELECT * FROM devices WHERE revoked_at_ms IS NULL ORDER BY approved_at_ms"),
      listAll: db.prepare("SELECT * FROM devices ORDER BY approved_at_ms"),
      deviceTwins: db.prepare("SELECT * FROM devices WHERE name = ? AND user_agent = ? AND id != ? AND revoked_at_ms IS NULL ORDER BY approved_at_ms, id"),
      countAdmins: db.prepare("SELECT count(*) AS n FROM devices WHERE revoked_at_ms IS NULL AND role = 'admin'"),
      insertDevice: db.prepare(`INSERT INTO devices (id, public_key, fingerprint, name, role, key_storage, user_agent,
        created_at_ms, approved_at_ms, approved_by, approved_via, last_seen_at_ms, last_seen_address, last_seen_class,
        expires_at_ms, revoked_at_ms, revoked_by, revoked_reason) VALUES (@id, @publicKey, @fingerprint, @name, @role,
        @keyStorage, @userAgent, @createdAtMs, @approvedAtMs, @approvedBy, @approvedVia, @lastSeenAtMs, @lastSeenAddress,
        @lastSeenClass, @expiresAtMs, @revokedAtMs, @revokedBy, @revokedReason)`),
      rename: db.prepare("UPDATE devices SET name = ? WHERE id = ? AND revoked_at_ms IS NULL"),
      revoke: db.prepare("UPDATE devices SET revoked_at_ms = ?, revoked_by = ?, revoked_reason = ? WHERE id = ? AND revoked_at_ms IS NULL"),
      dueDevices: db.prepare(DUE_DEVICES_SQL),
      expire: db.prepare(`UPDATE devices SET revoked_at_ms = ?, revoked_by = 'gateway', revoked_reason = 'expired'
        WHERE id = ? AND revoked_at_ms IS NULL
          AND (role <> 'admin' OR EXISTS (SELECT 1 FROM devices o WHERE o.role = 'admin' AND o.revoked_at_ms IS NULL AND o.id <> devices.id))`),
      lastSeen: db.prepare("UPDATE devices SET last_seen_at_ms = ?, last_seen_address = ?, last_seen_class = ? WHERE id = ?"),
      getPending: db.prepare("SELECT * FROM pending WHERE id = ?"),
      livePendingByDevice: db.prepare("SELECT * FROM pending WHERE device_id = ? AND status = 'pending' AND expires_at_ms > ?"),
      livePendingByCode: db.prepare("SELECT * FROM pending WHERE code = ? AND status = 'pending' AND expires_at_ms > ?"),
      livePending: db.prepare("SELECT * FROM pending WHERE status = 'pending' AND expires_at_ms > ? ORDER BY created_at_ms"),
      duePending: db.prepare("SELECT * FROM pending WHERE status = 'pending' AND expires_at_ms <= ?"),
      insertPending: db.prepare(`INSERT INTO pending (id, device_id, public_key, code, fingerprint, name, user_agent,
        key_storage, created_at_ms, expires_at_ms, address, network_class, status) VALUES (@id, @deviceId, @publicKey,
        @code, @fingerprint, @name, @userAgent, @keyStorage, @createdAtMs, @expiresAtMs, @address, @networkClass, @status)`),
      approvePending: db.prepare("UPDATE pending SET status = 'approved' WHERE id = ? AND status = 'pending' AND expires_at_ms > ?"),
      resolvePending: db.prepare("UPDATE pending SET status = ? WHERE id = ? AND status = 'pending'"),
      insertInvite: db.prepare(`INSERT INTO invites (id, token_hash, role, label, created_at_ms, created_by, expires_at_ms,
        used_at_ms, used_by_device_id, revoked_at_ms, device_expires_in_ms) VALUES (@id, @tokenHash, @role, @label,
        @createdAtMs, @createdBy, @expiresAtMs, @usedAtMs, @usedByDeviceId, @revokedAtMs, @deviceExpiresInMs)`),
      inviteByHash: db.prepare("SELECT * FROM invites WHERE token_hash = ?"),
      listInvites: db.prepare("SELECT * FROM invites ORDER BY created_at_ms DESC LIMIT 200"),
      redeemInvite: db.prepare(`UPDATE invites SET used_at_ms = ?, used_by_device_id = ?
        WHERE id = ? AND used_at_ms IS NULL AND revoked_at_ms IS NULL AND expires_at_ms > ?`),
      approvePendingOfDevice: db.prepare("UPDATE pending SET status = 'approved' WHERE device_id = ? AND status = 'pending'"),
      revokeInvite: db.prepare("UPDATE invites SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL AND used_at_ms IS NULL"),
      insertAudit: db.prepare(`INSERT INTO audit (at_ms, action, actor, device_id, request_id, detail)
        VALUES (@atMs, @action, @actor, @deviceId, @requestId, @detail)`),
      listAudit: db.prepare("SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?"),
      insertSession: db.prepare(`INSERT INTO sessions (id, token_hash, device_id, created_at_ms, last_used_at_ms, expires_at_ms)
        VALUES (@id, @tokenHash, @deviceId, @createdAtMs, @lastUsedAtMs, @expiresAtMs)`),
      getSession: db.prepare("SELECT * FROM sessions WHERE id = ?"),
      listSessions: db.prepare("SELECT * FROM sessions ORDER BY created_at_ms"),
      listDeviceSessions: db.prepare("SELECT * FROM sessions WHERE device_id = ? ORDER BY created_at_ms"),
      touchSession: db.prepare("UPDATE sessions SET last_used_at_ms = max(last_used_at_ms, ?) WHERE id = ?"),
      endSession: db.prepare("DELETE FROM sessions WHERE id = ?"),
      endDeviceSessions: db.prepare("DELETE FROM sessions WHERE device_id = ?"),
      deleteExpiredSessions: db.prepare("DELETE FROM sessions WHERE expires_at_ms <= ? OR last_used_at_ms < ?"),
      insertTicket: db.prepare("INSERT INTO session_tickets (hash, device_id, origin, expires_at_ms) VALUES (@hash, @deviceId, @origin, @expiresAtMs)"),
      takeTicket: db.prepare("DELETE FROM session_tickets WHERE hash = ? RETURNING *"),
      deleteExpiredTickets: db.prepare("DELETE FROM session_tickets WHERE expires_at_ms <= ?"),
    };
  }

  private audit(entries: AuditInput[]): void {
    for (const e of entries) {
      this.stmt.insertAudit.run({
        atMs: e.atMs,
        action: e.action,
        actor: e.actor,
        deviceId: e.deviceId ?? null,
        requestId: e.requestId ?? null,
        detail: JSON.stringify(e.detail ?? {}),
      });
    }
  }

  async loadGatewayId(create: () => string): Promise<string> {
    return this.db.transaction(() => {
      const row = this.stmt.getMeta.get("gateway_id") as Row | undefined;
      if (row) return String(row.value);
      const id = create();
      this.stmt.setMeta.run("gateway_id", id);
      return id;
    })();
  }

  async getDevice(id: string): Promise<DeviceRecord | null> {
    const row = this.stmt.getDevice.get(id) as Row | undefined;
    return row ? toDevice(row) : null;
  }

  async listDevices(opts: { includeRevoked?: boolean } = {}): Promise<DeviceRecord[]> {
    const rows = (opts.includeRevoked ? this.stmt.listAll : this.stmt.listActive).all() as Row[];
    return rows.map(toDevice);
  }

  /**
   * The filter as SQL, equal to `deviceMatches`: LIKE folds ASCII case only, as asciiLower does. The order and
   * keyset paging use the devices_list_order index, so a page reads only its own rows.
   */
  private deviceQuery(kind: "page" | "count", opts: DeviceFilter & { after?: DeviceOrderKey }): { stmt: Database.Statement; params: Row } {
    const terms = searchTerms(opts.query);
    const where: string[] = [];
    const params: Row = {};
    if (!opts.includeRevoked) where.push("revoked_at_ms IS NULL");
    if (terms) {
      where.push(`(name LIKE @text ESCAPE '\\' OR replace(fingerprint, '-', '') LIKE @fingerprint ESCAPE '\\' OR id LIKE @idPrefix ESCAPE '\\')`);
      params.text = `%${escapeLike(terms.text)}%`;
      params.fingerprint = terms.fingerprint ? `%${escapeLike(terms.fingerprint)}%` : null;
      params.idPrefix = `${escapeLike(terms.idPrefix)}%`;
    }
    if (opts.after && kind === "page") {
      where.push("(approved_at_ms, id) < (@afterAtMs, @afterId)");
      params.afterAtMs = opts.after.approvedAtMs;
      params.afterId = opts.after.id;
    }
    const filter = where.length ? ` WHERE ${where.join(" AND ")}` : "";
    const sql =
      kind === "count"
        ? `SELECT count(*) AS n FROM devices${filter}`
        : // A search reads the table in one pass and sorts its few matches; walking the order index would cost a row
          // lookup for each of the 10,000 devices it tests. Without a search the index gives the page directly.
          `SELECT * FROM devices${filter} ORDER BY ${terms ? "+approved_at_ms DESC, +id DESC" : "approved_at_ms DESC, id DESC"} LIMIT @limit`;
    let stmt = this.deviceQueries.get(sql);
    if (!stmt) this.deviceQueries.set(sql, (stmt = this.db.prepare(sql)));
    return { stmt, params };
  }

  async listDevicesPage(opts: DeviceFilter & { after?: DeviceOrderKey; limit: number }): Promise<DeviceRecord[]> {
    const { stmt, params } = this.deviceQuery("page", opts);
    return (stmt.all({ ...params, limit: opts.limit }) as Row[]).map(toDevice);
  }

  async countDevices(opts: DeviceFilter = {}): Promise<number> {
    const { stmt, params } = this.deviceQuery("count", opts);
    return Number((stmt.get(params) as Row).n);
  }

  async findDeviceTwins(name: string, userAgent: string, exceptId: string): Promise<DeviceRecord[]> {
    return (this.stmt.deviceTwins.all(name, userAgent, exceptId) as Row[]).map(toDevice);
  }

  async countActiveAdmins(): Promise<number> {
    return Number((this.stmt.countAdmins.get() as Row).n);
  }

  async insertDevices(devices: DeviceRecord[]): Promise<void> {
    this.db.transaction(() => {
      for (const d of devices) this.stmt.insertDevice.run(fromDevice(d));
    })();
  }

  async renameDevice(id: string, name: string, audit: AuditInput): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmt.rename.run(name, id).changes !== 1) return false;
      this.audit([audit]);
      return true;
    })();
  }

  async revokeDevice(id: string, atMs: number, by: string, audit: AuditInput): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmt.revoke.run(atMs, by, "revoked", id).changes !== 1) return false;
      this.stmt.endDeviceSessions.run(id);
      this.audit([audit]);
      return true;
    })();
  }

  async listDueDevices(nowMs: number, idleBeforeMs: number | null, limit: number): Promise<DeviceRecord[]> {
    return (this.stmt.dueDevices.all({ now: nowMs, idleBefore: idleBeforeMs, limit }) as Row[]).map(toDevice);
  }

  async expireDevice(id: string, atMs: number, audit: AuditInput): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmt.expire.run(atMs, id).changes !== 1) return false;
      this.stmt.endDeviceSessions.run(id);
      this.audit([audit]);
      return true;
    })();
  }

  async recordLastSeen(entries: LastSeen[]): Promise<void> {
    this.db.transaction(() => {
      for (const e of entries) this.stmt.lastSeen.run(e.atMs, e.address, e.networkClass, e.deviceId);
    })();
  }

  async getPending(id: string): Promise<PendingRecord | null> {
    const row = this.stmt.getPending.get(id) as Row | undefined;
    return row ? toPending(row) : null;
  }

  async findLivePendingByDevice(deviceId: string, nowMs: number): Promise<PendingRecord | null> {
    const row = this.stmt.livePendingByDevice.get(deviceId, nowMs) as Row | undefined;
    return row ? toPending(row) : null;
  }

  async findLivePendingByCode(code: string, nowMs: number): Promise<PendingRecord | null> {
    const row = this.stmt.livePendingByCode.get(code, nowMs) as Row | undefined;
    return row ? toPending(row) : null;
  }

  async listLivePending(nowMs: number): Promise<PendingRecord[]> {
    return (this.stmt.livePending.all(nowMs) as Row[]).map(toPending);
  }

  async listDuePending(nowMs: number): Promise<PendingRecord[]> {
    return (this.stmt.duePending.all(nowMs) as Row[]).map(toPending);
  }

  async createPending(record: PendingRecord, audit: AuditInput): Promise<void> {
    try {
      this.db.transaction(() => {
        this.stmt.insertPending.run({ ...record, publicKey: Buffer.from(record.publicKey) });
        this.audit([audit]);
      })();
    } catch (err) {
      if (/UNIQUE constraint failed: pending\.code/.test((err as Error).message)) throw codeTaken();
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
    return this.db.transaction(() => {
      if (this.stmt.approvePending.run(requestId, nowMs).changes !== 1) return false;
      if (replaces && this.stmt.revoke.run(nowMs, replaces.by, "replaced", replaces.deviceId).changes === 1) this.stmt.endDeviceSessions.run(replaces.deviceId);
      this.stmt.insertDevice.run(fromDevice(device));
      this.audit(audit);
      return true;
    })();
  }

  async resolvePending(requestId: string, status: "rejected" | "expired", audit: AuditInput): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmt.resolvePending.run(status, requestId).changes !== 1) return false;
      this.audit([audit]);
      return true;
    })();
  }

  async createInvite(invite: InviteRecord, audit: AuditInput): Promise<void> {
    this.db.transaction(() => {
      this.stmt.insertInvite.run(invite);
      this.audit([audit]);
    })();
  }

  async findInviteByHash(tokenHash: string): Promise<InviteRecord | null> {
    const row = this.stmt.inviteByHash.get(tokenHash) as Row | undefined;
    return row ? toInvite(row) : null;
  }

  async listInvites(): Promise<InviteRecord[]> {
    return (this.stmt.listInvites.all() as Row[]).map(toInvite);
  }

  async redeemInvite(inviteId: string, nowMs: number, device: DeviceRecord, audit: AuditInput[]): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmt.redeemInvite.run(nowMs, device.id, inviteId, nowMs).changes !== 1) return false;
      this.stmt.insertDevice.run(fromDevice(device));
      this.stmt.approvePendingOfDevice.run(device.id);
      this.audit(audit);
      return true;
    })();
  }

  async revokeInvite(inviteId: string, atMs: number, audit: AuditInput): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmt.revokeInvite.run(atMs, inviteId).changes !== 1) return false;
      this.audit([audit]);
      return true;
    })();
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.stmt.insertSession.run(session);
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const row = this.stmt.getSession.get(id) as Row | undefined;
    return row ? toSession(row) : null;
  }

  async listSessions(opts: { deviceId?: string } = {}): Promise<SessionRecord[]> {
    const rows = (opts.deviceId === undefined ? this.stmt.listSessions.all() : this.stmt.listDeviceSessions.all(opts.deviceId)) as Row[];
    return rows.map(toSession);
  }

  async touchSessions(entries: SessionTouch[]): Promise<void> {
    this.db.transaction(() => {
      for (const e of entries) this.stmt.touchSession.run(e.lastUsedAtMs, e.id);
    })();
  }

  async endSession(id: string): Promise<boolean> {
    return this.stmt.endSession.run(id).changes === 1;
  }

  async endDeviceSessions(deviceId: string): Promise<number> {
    return this.stmt.endDeviceSessions.run(deviceId).changes;
  }

  async deleteExpiredSessions(nowMs: number, idleBeforeMs: number): Promise<number> {
    return this.stmt.deleteExpiredSessions.run(nowMs, idleBeforeMs).changes;
  }

  async createTicket(ticket: TicketRecord): Promise<void> {
    this.stmt.insertTicket.run(ticket);
  }

  async takeTicket(hash: string): Promise<TicketRecord | null> {
    const row = this.stmt.takeTicket.get(hash) as Row | undefined;
    return row ? toTicket(row) : null;
  }

  async deleteExpiredTickets(nowMs: number): Promise<number> {
    return this.stmt.deleteExpiredTickets.run(nowMs).changes;
  }

  async appendAudit(entries: AuditInput[]): Promise<void> {
    this.db.transaction(() => this.audit(entries))();
  }

  async listAudit(opts: { limit: number; beforeId?: number }): Promise<AuditRecord[]> {
    const rows = this.stmt.listAudit.all(opts.beforeId ?? Number.MAX_SAFE_INTEGER, opts.limit) as Row[];
    return rows.map(toAudit);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function fromDevice(d: DeviceRecord): Row {
  return { ...d, publicKey: Buffer.from(d.publicKey) };
}
