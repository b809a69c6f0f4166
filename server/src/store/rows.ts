// Rows of the SQL stores (snake_case columns) as domain records. SQLite and Postgres share the column names;
// integers may arrive as strings (Postgres bigint) and audit detail as text (SQLite) or parsed jsonb (Postgres).
import type { ApprovedVia, KeyStorage, NetworkClass, RevokeReason, Role } from "../../../shared/index.js";
import type { AuditRecord, DeviceRecord, InviteRecord, PendingRecord, PendingStatus, SessionRecord, TicketRecord } from "./device-store.js";

export type Row = Record<string, unknown>;

const num = (v: unknown): number | null => (v == null ? null : Number(v));
const str = (v: unknown): string | null => (v == null ? null : String(v));

export function toDevice(r: Row): DeviceRecord {
  return {
    id: String(r.id),
    publicKey: new Uint8Array(r.public_key as Buffer),
    fingerprint: String(r.fingerprint),
    name: String(r.name),
    role: r.role as Role,
    keyStorage: r.key_storage as KeyStorage,
    userAgent: String(r.user_agent),
    createdAtMs: Number(r.created_at_ms),
    approvedAtMs: Number(r.approved_at_ms),
    approvedBy: String(r.approved_by),
    approvedVia: r.approved_via as ApprovedVia,
    lastSeenAtMs: num(r.last_seen_at_ms),
    lastSeenAddress: str(r.last_seen_address),
    lastSeenClass: str(r.last_seen_class) as NetworkClass | null,
    expiresAtMs: num(r.expires_at_ms),
    revokedAtMs: num(r.revoked_at_ms),
    revokedBy: str(r.revoked_by),
    revokedReason: str(r.revoked_reason) as RevokeReason | null,
  };
}

export function toPending(r: Row): PendingRecord {
  return {
    id: String(r.id),
    deviceId: String(r.device_id),
    publicKey: new Uint8Array(r.public_key as Buffer),
    code: String(r.code),
    fingerprint: String(r.fingerprint),
    name: String(r.name),
    userAgent: String(r.user_agent),
    keyStorage: r.key_storage as KeyStorage,
    createdAtMs: Number(r.created_at_ms),
    expiresAtMs: Number(r.expires_at_ms),
    address: String(r.address),
    networkClass: r.network_class as NetworkClass,
    status: r.status as PendingStatus,
  };
}

export function toInvite(r: Row): InviteRecord {
  return {
    id: String(r.id),
    tokenHash: String(r.token_hash),
    role: r.role as Role,
    label: String(r.label),
    createdAtMs: Number(r.created_at_ms),
    createdBy: String(r.created_by),
    expiresAtMs: Number(r.expires_at_ms),
    usedAtMs: num(r.used_at_ms),
    usedByDeviceId: str(r.used_by_device_id),
    revokedAtMs: num(r.revoked_at_ms),
    deviceExpiresInMs: num(r.device_expires_in_ms),
  };
}

export function toAudit(r: Row): AuditRecord {
  return {
    id: Number(r.id),
    atMs: Number(r.at_ms),
    action: r.action as AuditRecord["action"],
    actor: String(r.actor),
    ...(r.device_id != null ? { deviceId: String(r.device_id) } : {}),
    ...(r.request_id != null ? { requestId: String(r.request_id) } : {}),
    detail: (typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail) as AuditRecord["detail"],
  };
}

/** A search term as a LIKE pattern piece: `%`, `_` and the escape itself match only themselves (ESCAPE '\\'). */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function toSession(r: Row): SessionRecord {
  return {
    id: String(r.id),
    tokenHash: String(r.token_hash),
    deviceId: String(r.device_id),
    createdAtMs: Number(r.created_at_ms),
    lastUsedAtMs: Number(r.last_used_at_ms),
    expiresAtMs: Number(r.expires_at_ms),
  };
}

export function toTicket(r: Row): TicketRecord {
  return { hash: String(r.hash), deviceId: String(r.device_id), origin: String(r.origin), expiresAtMs: Number(r.expires_at_ms) };
}
