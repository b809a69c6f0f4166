// The store interface in domain terms (docs/design.md#store). Every state change that is acknowledged to a person
// (approve, revoke, invite use) is one atomic operation here, durable before its promise resolves.
import type { ApprovedVia, AuditAction, DeviceOrderKey, KeyStorage, NetworkClass, RevokeReason, Role } from "../../../shared/index.js";

export interface DeviceRecord {
  id: string;
  publicKey: Uint8Array;
  fingerprint: string;
  name: string;
  role: Role;
  keyStorage: KeyStorage;
  userAgent: string;
  createdAtMs: number;
  approvedAtMs: number;
  approvedBy: string;
  approvedVia: ApprovedVia;
  lastSeenAtMs: number | null;
  lastSeenAddress: string | null;
  lastSeenClass: NetworkClass | null;
  /** A guest device's end time; null: none. */
  expiresAtMs: number | null;
  revokedAtMs: number | null;
  revokedBy: string | null;
  /** Null on rows revoked before reasons were recorded (read as "revoked"). */
  revokedReason: RevokeReason | null;
}

export type PendingStatus = "pending" | "approved" | "rejected" | "expired";

export interface PendingRecord {
  id: string;
  deviceId: string;
  publicKey: Uint8Array;
  code: string;
  fingerprint: string;
  name: string;
  userAgent: string;
  keyStorage: KeyStorage;
  createdAtMs: number;
  expiresAtMs: number;
  address: string;
  networkClass: NetworkClass;
  status: PendingStatus;
}

export interface InviteRecord {
  id: string;
  /** SHA-256 of the token, hex. The token itself is never stored. */
  tokenHash: string;
  role: Role;
  label: string;
  createdAtMs: number;
  createdBy: string;
  expiresAtMs: number;
  usedAtMs: number | null;
  usedByDeviceId: string | null;
  revokedAtMs: number | null;
  /** The paired device's lifetime (a guest invite); null: no end time. */
  deviceExpiresInMs: number | null;
}

/**
 * A device session: what the front door's cookie stands for (docs/front-door.md). The cookie value is never
 * stored, only its SHA-256. `id` is a public handle for lists and "end this session", never a credential.
 */
export interface SessionRecord {
  id: string;
  /** SHA-256 of the cookie value, hex. */
  tokenHash: string;
  deviceId: string;
  createdAtMs: number;
  /** Written lazily (batched), so it may lag the in-memory value by a flush interval. */
  lastUsedAtMs: number;
  /** The absolute end; the idle timeout is counted from lastUsedAtMs. */
  expiresAtMs: number;
}

/**
 * A one-time ticket of the front door (server/src/sessions/tickets.ts): by its SHA-256 only. In the store, so that a
 * ticket issued on one replica's socket can be traded in on another behind a round-robin balancer.
 */
export interface TicketRecord {
  /** SHA-256 of the ticket, hex. */
  hash: string;
  deviceId: string;
  /** The page's origin, lowercase. */
  origin: string;
  expiresAtMs: number;
}

export interface SessionTouch {
  id: string;
  lastUsedAtMs: number;
}

export interface AuditInput {
  atMs: number;
  action: AuditAction;
  actor: string;
  deviceId?: string;
  requestId?: string;
  detail?: Record<string, string | number | boolean | null>;
}

export interface AuditRecord extends AuditInput {
  id: number;
  detail: Record<string, string | number | boolean | null>;
}

export interface LastSeen {
  deviceId: string;
  atMs: number;
  address: string;
  networkClass: NetworkClass;
}

/** Which devices a list or count covers: active ones unless `includeRevoked`, matching `query` when given. */
export interface DeviceFilter {
  includeRevoked?: boolean;
  /** Matched as `deviceMatches` in shared/protocol/device-search.ts: name, fingerprint or id prefix, ASCII case-insensitive. */
  query?: string;
}

/**
 * A change another gateway committed to a shared database, as ids only: the receiver reads the rows itself.
 * `pairing.resolved` covers approved, rejected and expired (the row's status tells which).
 */
export interface StoreChange {
  type:
    | "pairing.requested"
    | "pairing.resolved"
    | "device.added"
    | "device.revoked"
    | "device.updated"
    | "invites.changed"
    /** A session was made (id: the session id) or ended (id: the session id, or the device id for all of a device's). */
    | "session.created"
    | "session.ended"
    | "device.sessions_ended";
  id: string;
}

export interface ChangeListener {
  onChange(change: StoreChange): void;
  /** The feed was down and is back: changes in between may be lost, so re-check every open socket. */
  onResync(): void;
}

/** How the feed of other gateways' changes is doing, for `pairgate doctor`. */
export interface ChangeFeedHealth {
  listening: boolean;
  /** When the LISTEN connection last answered a ping (or connected), ms since the epoch. */
  lastPingAtMs: number | null;
  reconnects: number;
  lastError: string | null;
}

/** What `pairgate doctor` shows about the store. Never holds a password. */
export interface StoreInfo {
  kind: "sqlite" | "postgres" | "memory";
  /** The file, or the URL without its password. */
  location: string;
  schemaVersion: number | null;
}

export interface DeviceStore {
  /** Where the data lives and its schema version. */
  info(): StoreInfo;
  /**
   * Changes committed by other gateways sharing this database, for stores that can be shared (Postgres).
   * Absent for a store only this process uses.
   */
  readonly changes?: {
    subscribe(listener: ChangeListener): () => void;
    health(): ChangeFeedHealth;
  };

  /** Returns the stored gateway id, creating it with `create()` on first use. */
  loadGatewayId(create: () => string): Promise<string>;

  getDevice(id: string): Promise<DeviceRecord | null>;
  listDevices(opts?: { includeRevoked?: boolean }): Promise<DeviceRecord[]>;
  /**
   * One page in list order (`compareDevices`: newest approval first, then id descending), starting after `after`.
   * The admin list at 10,000 devices reads only what is on screen.
   */
  listDevicesPage(opts: DeviceFilter & { after?: DeviceOrderKey; limit: number }): Promise<DeviceRecord[]>;
  countDevices(opts?: DeviceFilter): Promise<number>;
  /**
   * Active devices other than `exceptId` with this exact name and user agent, earliest approved first (see
   * replacement.ts). Indexed by name, so it reads only the few twins, never every device.
   */
  findDeviceTwins(name: string, userAgent: string, exceptId: string): Promise<DeviceRecord[]>;
  countActiveAdmins(): Promise<number>;
  /** Bulk insert used by benchmarks and seeding; not part of the pairing flow. */
  insertDevices(devices: DeviceRecord[]): Promise<void>;
  renameDevice(id: string, name: string, audit: AuditInput): Promise<boolean>;
  /** Marks an active device revoked and ends its sessions; false when it was unknown or already revoked. */
  revokeDevice(id: string, atMs: number, by: string, audit: AuditInput): Promise<boolean>;
  /**
   * Active devices that are due to expire at `nowMs`: their end time passed, or (when `idleBeforeMs` is given)
   * they were last seen at or before it. Oldest first, at most `limit`. Indexed: a sweep reads only due rows.
   */
  listDueDevices(nowMs: number, idleBeforeMs: number | null, limit: number): Promise<DeviceRecord[]>;
  /**
   * Revokes an active device with reason `expired`, unless it is the last active admin (the gateway must keep
   * one). Exactly one caller wins, on any number of gateways sharing the database; the others get false.
   */
  expireDevice(id: string, atMs: number, audit: AuditInput): Promise<boolean>;
  /** Best-effort presence, batched by the caller; not acknowledged to anyone. */
  recordLastSeen(entries: LastSeen[]): Promise<void>;

  getPending(id: string): Promise<PendingRecord | null>;
  /** The live (status pending, unexpired at `nowMs`) request for this key, if any. */
  findLivePendingByDevice(deviceId: string, nowMs: number): Promise<PendingRecord | null>;
  findLivePendingByCode(code: string, nowMs: number): Promise<PendingRecord | null>;
  listLivePending(nowMs: number): Promise<PendingRecord[]>;
  /** Requests still marked pending whose expiry is at or before `nowMs`. */
  listDuePending(nowMs: number): Promise<PendingRecord[]>;
  createPending(record: PendingRecord, audit: AuditInput): Promise<void>;
  /**
   * Atomically moves a pending request to approved and inserts its device (and optionally revokes the device it
   * replaces). Exactly one caller wins; the others get false.
   */
  approvePending(requestId: string, nowMs: number, device: DeviceRecord, audit: AuditInput[], replaces?: { deviceId: string; by: string }): Promise<boolean>;
  /** pending → rejected | expired; false when it was no longer pending. */
  resolvePending(requestId: string, status: "rejected" | "expired", audit: AuditInput): Promise<boolean>;

  createInvite(invite: InviteRecord, audit: AuditInput): Promise<void>;
  findInviteByHash(tokenHash: string): Promise<InviteRecord | null>;
  listInvites(): Promise<InviteRecord[]>;
  /**
   * Atomically consumes a live invite and inserts the device; false when used, revoked or expired. A request the
   * same key still has pending moves to approved in the same transaction: that key is paired now.
   */
  redeemInvite(inviteId: string, nowMs: number, device: DeviceRecord, audit: AuditInput[]): Promise<boolean>;
  revokeInvite(inviteId: string, atMs: number, audit: AuditInput): Promise<boolean>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  /** Every stored session, or one device's; read at start and after a resync, never per request. */
  listSessions(opts?: { deviceId?: string }): Promise<SessionRecord[]>;
  /** Moves last use forward (never back), batched by the caller. */
  touchSessions(entries: SessionTouch[]): Promise<void>;
  endSession(id: string): Promise<boolean>;
  /** Ends every session of a device; returns how many there were. */
  endDeviceSessions(deviceId: string): Promise<number>;
  /** Deletes sessions past their absolute end or idle since before `idleBeforeMs`; returns how many. */
  deleteExpiredSessions(nowMs: number, idleBeforeMs: number): Promise<number>;

  createTicket(ticket: TicketRecord): Promise<void>;
  /** Deletes the ticket and returns it, in one statement: of two replicas that try at once, only one gets it. */
  takeTicket(hash: string): Promise<TicketRecord | null>;
  /** Deletes tickets whose end has passed; returns how many. */
  deleteExpiredTickets(nowMs: number): Promise<number>;

  appendAudit(entries: AuditInput[]): Promise<void>;
  listAudit(opts: { limit: number; beforeId?: number }): Promise<AuditRecord[]>;

  close(): Promise<void>;
}
