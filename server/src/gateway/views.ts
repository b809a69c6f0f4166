// Store records → the wire views of shared/protocol/views.ts. The only place that decides what a client sees.
import type { AuditEntry, DeviceView, InviteView, PairedNotice, PendingView } from "../../../shared/index.js";
import type { AuditRecord, DeviceRecord, InviteRecord, PendingRecord } from "../store/device-store.js";

export function toDeviceView(d: DeviceRecord, online: number, currentDeviceId?: string): DeviceView {
  return {
    id: d.id,
    fingerprint: d.fingerprint,
    name: d.name,
    role: d.role,
    keyStorage: d.keyStorage,
    userAgent: d.userAgent,
    createdAtMs: d.createdAtMs,
    approvedAtMs: d.approvedAtMs,
    approvedBy: d.approvedBy,
    approvedVia: d.approvedVia,
    lastSeenAtMs: d.lastSeenAtMs,
    lastSeenFrom: d.lastSeenAddress && d.lastSeenClass ? { address: d.lastSeenAddress, networkClass: d.lastSeenClass } : null,
    online,
    current: d.id === currentDeviceId,
    expiresAtMs: d.expiresAtMs,
    ...(d.revokedAtMs !== null ? { revokedAtMs: d.revokedAtMs, revokedBy: d.revokedBy ?? "", revokedReason: d.revokedReason ?? "revoked" } : {}),
  };
}

/** What every paired tab learns of a new device: who it is and who let it in, nothing about where it connects from. */
export function toPairedNotice(d: DeviceRecord): PairedNotice {
  return {
    id: d.id,
    name: d.name,
    fingerprint: d.fingerprint,
    role: d.role,
    approvedBy: d.approvedBy,
    approvedVia: d.approvedVia,
    approvedAtMs: d.approvedAtMs,
  };
}

/**
 * The code is left out on purpose: approvers must read it off the waiting browser
 * (docs/architecture.md#principles-the-code-keeps, docs/design.md#details).
 * `replaces`: the device this request is suggested to replace (see pairing/replacement.ts), if any.
 */
export function toPendingView(p: PendingRecord, online: boolean, twin: DeviceRecord | null): PendingView {
  return {
    id: p.id,
    fingerprint: p.fingerprint,
    name: p.name,
    userAgent: p.userAgent,
    keyStorage: p.keyStorage,
    createdAtMs: p.createdAtMs,
    expiresAtMs: p.expiresAtMs,
    seenFrom: { address: p.address, networkClass: p.networkClass },
    online,
    replaces: twin ? { deviceId: twin.id, name: twin.name, fingerprint: twin.fingerprint } : null,
  };
}

export function toInviteView(i: InviteRecord, nowMs: number): InviteView {
  const status = i.usedAtMs !== null ? "used" : i.revokedAtMs !== null ? "revoked" : i.expiresAtMs <= nowMs ? "expired" : "active";
  return {
    id: i.id,
    role: i.role,
    label: i.label,
    createdAtMs: i.createdAtMs,
    createdBy: i.createdBy,
    expiresAtMs: i.expiresAtMs,
    status,
    usedAtMs: i.usedAtMs,
    usedByDeviceId: i.usedByDeviceId,
    deviceExpiresInMs: i.deviceExpiresInMs,
  };
}

export function toAuditEntry(a: AuditRecord): AuditEntry {
  return {
    id: a.id,
    atMs: a.atMs,
    action: a.action,
    actor: a.actor,
    ...(a.deviceId !== undefined ? { deviceId: a.deviceId } : {}),
    ...(a.requestId !== undefined ? { requestId: a.requestId } : {}),
    detail: a.detail,
  };
}
