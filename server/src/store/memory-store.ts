// In-memory store for unit tests only; it passes the same contract suite as SqliteStore.
import { compareDevices, deviceMatches, type DeviceOrderKey } from "../../../shared/index.js";
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
  StoreInfo,
  TicketRecord,
} from "./device-store.js";
import { codeTaken } from "./store-error.js";

export class MemoryStore implements DeviceStore {
  private gatewayId: string | null = null;
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly pending = new Map<string, PendingRecord>();
  private readonly invites = new Map<string, InviteRecord>();
  private readonly auditLog: AuditRecord[] = [];
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly tickets = new Map<string, TicketRecord>();

  private audit(entries: AuditInput[]): void {
    for (const e of entries) this.auditLog.push({ ...e, detail: e.detail ?? {}, id: this.auditLog.length + 1 });
  }

  private live(nowMs: number): PendingRecord[] {
    return [...this.pending.values()].filter((p) => p.status === "pending" && p.expiresAtMs > nowMs);
  }

  info(): StoreInfo {
    return { kind: "memory", location: "memory", schemaVersion: null };
  }

  async loadGatewayId(create: () => string): Promise<string> {
    this.gatewayId ??= create();
    return this.gatewayId;
  }

  async getDevice(id: string): Promise<DeviceRecord | null> {
    const d = this.devices.get(id);
    return d ? { ...d } : null;
  }

  async listDevices(opts: { includeRevoked?: boolean } = {}): Promise<DeviceRecord[]> {
    return [...this.devices.values()]
      .filter((d) => opts.includeRevoked || d.revokedAtMs === null)
      .sort((a, b) => a.approvedAtMs - b.approvedAtMs)
      .map((d) => ({ ...d }));
  }

  private filtered(opts: DeviceFilter): DeviceRecord[] {
    return [...this.devices.values()].filter((d) => (opts.includeRevoked || d.revokedAtMs === null) && deviceMatches(d, opts.query));
  }

  async listDevicesPage(opts: DeviceFilter & { after?: DeviceOrderKey; limit: number }): Promise<DeviceRecord[]> {
    const after = opts.after;
    return this.filtered(opts)
      .filter((d) => !after || compareDevices(after, d) < 0)
      .sort(compareDevices)
      .slice(0, opts.limit)
      .map((d) => ({ ...d }));
  }

  async countDevices(opts: DeviceFilter = {}): Promise<number> {
    return this.filtered(opts).length;
  }

  async findDeviceTwins(name: string, userAgent: string, exceptId: string): Promise<DeviceRecord[]> {
    return [...this.devices.values()]
      .filter((d) => d.revokedAtMs === null && d.name === name && d.userAgent === userAgent && d.id !== exceptId)
      .sort((a, b) => a.approvedAtMs - b.approvedAtMs || (a.id < b.id ? -1 : 1))
      .map((d) => ({ ...d }));
  }

  async countActiveAdmins(): Promise<number> {
    return [...this.devices.values()].filter((d) => d.revokedAtMs === null && d.role === "admin").length;
  }

  async insertDevices(devices: DeviceRecord[]): Promise<void> {
    for (const d of devices) this.insertDevice(d);
  }

  private insertDevice(d: DeviceRecord): void {
    if (this.devices.has(d.id)) throw new Error(`UNIQUE constraint failed: devices.id`);
    this.devices.set(d.id, { ...d });
  }

  async renameDevice(id: string, name: string, audit: AuditInput): Promise<boolean> {
    const d = this.devices.get(id);
    if (!d || d.revokedAtMs !== null) return false;
    d.name = name;
    this.audit([audit]);
    return true;
  }

  async revokeDevice(id: string, atMs: number, by: string, audit: AuditInput): Promise<boolean> {
    const d = this.devices.get(id);
    if (!d || d.revokedAtMs !== null) return false;
    Object.assign(d, { revokedAtMs: atMs, revokedBy: by, revokedReason: "revoked" });
    this.endSessionsOf(id);
    this.audit([audit]);
    return true;
  }

  async listDueDevices(nowMs: number, idleBeforeMs: number | null, limit: number): Promise<DeviceRecord[]> {
    const isIdle = (d: DeviceRecord) => idleBeforeMs !== null && d.lastSeenAtMs !== null && d.lastSeenAtMs <= idleBeforeMs;
    return [...this.devices.values()]
      .filter((d) => d.revokedAtMs === null && ((d.expiresAtMs !== null && d.expiresAtMs <= nowMs) || isIdle(d)))
      .sort((a, b) => a.approvedAtMs - b.approvedAtMs || (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map((d) => ({ ...d }));
  }

  async expireDevice(id: string, atMs: number, audit: AuditInput): Promise<boolean> {
    const d = this.devices.get(id);
    if (!d || d.revokedAtMs !== null) return false;
    if (d.role === "admin" && ![...this.devices.values()].some((o) => o.role === "admin" && o.revokedAtMs === null && o.id !== id)) return false;
    Object.assign(d, { revokedAtMs: atMs, revokedBy: "gateway", revokedReason: "expired" });
    this.endSessionsOf(id);
    this.audit([audit]);
    return true;
  }

  async recordLastSeen(entries: LastSeen[]): Promise<void> {
    for (const e of entries) {
      const d = this.devices.get(e.deviceId);
      if (!d) continue;
      d.lastSeenAtMs = e.atMs;
      d.lastSeenAddress = e.address;
      d.lastSeenClass = e.networkClass;
    }
  }

  async getPending(id: string): Promise<PendingRecord | null> {
    const p = this.pending.get(id);
    return p ? { ...p } : null;
  }

  async findLivePendingByDevice(deviceId: string, nowMs: number): Promise<PendingRecord | null> {
    return this.live(nowMs).find((p) => p.deviceId === deviceId) ?? null;
  }

  async findLivePendingByCode(code: string, nowMs: number): Promise<PendingRecord | null> {
    return this.live(nowMs).find((p) => p.code === code) ?? null;
  }

  async listLivePending(nowMs: number): Promise<PendingRecord[]> {
    return this.live(nowMs).sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  async listDuePending(nowMs: number): Promise<PendingRecord[]> {
    return [...this.pending.values()].filter((p) => p.status === "pending" && p.expiresAtMs <= nowMs);
  }

  async createPending(record: PendingRecord, audit: AuditInput): Promise<void> {
    if (this.pending.has(record.id)) throw new Error("UNIQUE constraint failed: pending.id");
    if ([...this.pending.values()].some((p) => p.status === "pending" && p.code === record.code)) {
      throw codeTaken();
    }
    this.pending.set(record.id, { ...record });
    this.audit([audit]);
  }

  async approvePending(
    requestId: string,
    nowMs: number,
    device: DeviceRecord,
    audit: AuditInput[],
    replaces?: { deviceId: string; by: string },
  ): Promise<boolean> {
    const p = this.pending.get(requestId);
    if (!p || p.status !== "pending" || p.expiresAtMs <= nowMs) return false;
    this.insertDevice(device);
    p.status = "approved";
    const old = replaces && this.devices.get(replaces.deviceId);
    if (old && old.revokedAtMs === null) {
      Object.assign(old, { revokedAtMs: nowMs, revokedBy: replaces.by, revokedReason: "replaced" });
      this.endSessionsOf(old.id);
    }
    this.audit(audit);
    return true;
  }

  async resolvePending(requestId: string, status: "rejected" | "expired", audit: AuditInput): Promise<boolean> {
    const p = this.pending.get(requestId);
    if (!p || p.status !== "pending") return false;
    p.status = status;
    this.audit([audit]);
    return true;
  }

  async createInvite(invite: InviteRecord, audit: AuditInput): Promise<void> {
    this.invites.set(invite.id, { ...invite });
    this.audit([audit]);
  }

  async findInviteByHash(tokenHash: string): Promise<InviteRecord | null> {
    const i = [...this.invites.values()].find((x) => x.tokenHash === tokenHash);
    return i ? { ...i } : null;
  }

  async listInvites(): Promise<InviteRecord[]> {
    return [...this.invites.values()].sort((a, b) => b.createdAtMs - a.createdAtMs).map((i) => ({ ...i }));
  }

  async redeemInvite(inviteId: string, nowMs: number, device: DeviceRecord, audit: AuditInput[]): Promise<boolean> {
    const i = this.invites.get(inviteId);
    if (!i || i.usedAtMs !== null || i.revokedAtMs !== null || i.expiresAtMs <= nowMs) return false;
    this.insertDevice(device);
    i.usedAtMs = nowMs;
    i.usedByDeviceId = device.id;
    for (const p of this.pending.values()) if (p.deviceId === device.id && p.status === "pending") p.status = "approved";
    this.audit(audit);
    return true;
  }

  async revokeInvite(inviteId: string, atMs: number, audit: AuditInput): Promise<boolean> {
    const i = this.invites.get(inviteId);
    if (!i || i.revokedAtMs !== null || i.usedAtMs !== null) return false;
    i.revokedAtMs = atMs;
    this.audit([audit]);
    return true;
  }

  private endSessionsOf(deviceId: string): number {
    let n = 0;
    for (const [id, s] of this.sessions) if (s.deviceId === deviceId) n++, this.sessions.delete(id);
    return n;
  }

  async createSession(session: SessionRecord): Promise<void> {
    if (this.sessions.has(session.id) || [...this.sessions.values()].some((s) => s.tokenHash === session.tokenHash))
      throw new Error("UNIQUE constraint failed: sessions");
    this.sessions.set(session.id, { ...session });
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const s = this.sessions.get(id);
    return s ? { ...s } : null;
  }

  async listSessions(opts: { deviceId?: string } = {}): Promise<SessionRecord[]> {
    return [...this.sessions.values()].filter((s) => opts.deviceId === undefined || s.deviceId === opts.deviceId).map((s) => ({ ...s }));
  }

  async touchSessions(entries: SessionTouch[]): Promise<void> {
    for (const e of entries) {
      const s = this.sessions.get(e.id);
      if (s) s.lastUsedAtMs = Math.max(s.lastUsedAtMs, e.lastUsedAtMs);
    }
  }

  async endSession(id: string): Promise<boolean> {
    return this.sessions.delete(id);
  }

  async endDeviceSessions(deviceId: string): Promise<number> {
    return this.endSessionsOf(deviceId);
  }

  async deleteExpiredSessions(nowMs: number, idleBeforeMs: number): Promise<number> {
    let n = 0;
    for (const [id, s] of this.sessions) if (s.expiresAtMs <= nowMs || s.lastUsedAtMs < idleBeforeMs) n++, this.sessions.delete(id);
    return n;
  }

  async createTicket(ticket: TicketRecord): Promise<void> {
    if (this.tickets.has(ticket.hash)) throw new Error("UNIQUE constraint failed: session_tickets.hash");
    this.tickets.set(ticket.hash, { ...ticket });
  }

  async takeTicket(hash: string): Promise<TicketRecord | null> {
    const t = this.tickets.get(hash);
    this.tickets.delete(hash);
    return t ? { ...t } : null;
  }

  async deleteExpiredTickets(nowMs: number): Promise<number> {
    let n = 0;
    for (const [hash, t] of this.tickets) if (t.expiresAtMs <= nowMs) n++, this.tickets.delete(hash);
    return n;
  }

  async appendAudit(entries: AuditInput[]): Promise<void> {
    this.audit(entries);
  }

  async listAudit(opts: { limit: number; beforeId?: number }): Promise<AuditRecord[]> {
    const before = opts.beforeId ?? Number.MAX_SAFE_INTEGER;
    return this.auditLog
      .filter((e) => e.id < before)
      .reverse()
      .slice(0, opts.limit)
      .map((e) => ({ ...e }));
  }

  async close(): Promise<void> {}
}
