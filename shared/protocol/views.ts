// The shapes of the things the gateway shows: devices, pending requests, invites, audit entries.
// One schema each; TypeScript types are inferred from them, never written twice.
import { z } from "zod/mini";
import { NETWORK_CLASSES } from "../net/network-class.js";
import { ms, textUpTo } from "./schema-parts.js";

export const ROLES = ["admin", "viewer"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const KEY_STORAGES = ["webcrypto", "software"] as const;
export const KeyStorage = z.enum(KEY_STORAGES);
export type KeyStorage = z.infer<typeof KeyStorage>;

export const APPROVED_VIA = ["cli", "dashboard", "invite"] as const;
export const ApprovedVia = z.enum(APPROVED_VIA);
export type ApprovedVia = z.infer<typeof ApprovedVia>;

/** Why a device was revoked: by a person, replaced by a new browser of the same name, or its time ran out. */
export const REVOKE_REASONS = ["revoked", "replaced", "expired"] as const;
export const RevokeReason = z.enum(REVOKE_REASONS);
export type RevokeReason = z.infer<typeof RevokeReason>;

export const SeenFrom = z.object({ address: textUpTo(64), networkClass: z.enum(NETWORK_CLASSES) });
export type SeenFrom = z.infer<typeof SeenFrom>;

/** Paired (active) devices, live pending requests, and devices with at least one open session. */
export const GatewayCounts = z.object({ devices: z.int(), pending: z.int(), online: z.int() });
export type GatewayCounts = z.infer<typeof GatewayCounts>;

export const DeviceView = z.object({
  id: textUpTo(64),
  fingerprint: textUpTo(9),
  name: textUpTo(64),
  role: Role,
  keyStorage: KeyStorage,
  userAgent: textUpTo(512),
  createdAtMs: ms,
  approvedAtMs: ms,
  approvedBy: textUpTo(128),
  approvedVia: ApprovedVia,
  lastSeenAtMs: z.nullable(ms),
  lastSeenFrom: z.nullable(SeenFrom),
  online: z.int().check(z.nonnegative()),
  current: z.boolean(),
  /** A guest device's end time (approve --expires, invite --device-expires); null: no end time. */
  expiresAtMs: z.nullable(ms),
  revokedAtMs: z.optional(ms),
  revokedBy: z.optional(textUpTo(128)),
  revokedReason: z.optional(RevokeReason),
});
export type DeviceView = z.infer<typeof DeviceView>;

/** A device's presence: sent in devices.changed when sockets come and go, without re-reading the device. */
export const DevicePresence = z.object({
  id: textUpTo(64),
  online: z.int().check(z.nonnegative()),
  lastSeenAtMs: z.nullable(ms),
  lastSeenFrom: z.nullable(SeenFrom),
});
export type DevicePresence = z.infer<typeof DevicePresence>;

/** A waiting browser. No code: the approver must read it off that browser (docs/architecture.md#principles-the-code-keeps). */
export const PendingView = z.object({
  id: textUpTo(64),
  fingerprint: textUpTo(9),
  name: textUpTo(64),
  userAgent: textUpTo(512),
  keyStorage: KeyStorage,
  createdAtMs: ms,
  expiresAtMs: ms,
  seenFrom: SeenFrom,
  online: z.boolean(),
  /** An active device with the same name and user agent: approving may replace it (docs/design.md#pairing). */
  replaces: z.nullable(z.object({ deviceId: textUpTo(64), name: textUpTo(64), fingerprint: textUpTo(9) })),
});
export type PendingView = z.infer<typeof PendingView>;

/** A device that was paired, as every paired tab hears of it ("New browser paired: NAME, by WHO via cli"). */
export const PairedNotice = z.object({
  id: textUpTo(64),
  name: textUpTo(64),
  fingerprint: textUpTo(9),
  role: Role,
  approvedBy: textUpTo(128),
  approvedVia: ApprovedVia,
  approvedAtMs: ms,
});
export type PairedNotice = z.infer<typeof PairedNotice>;

export const INVITE_STATUSES = ["active", "used", "expired", "revoked"] as const;
export const InviteView = z.object({
  id: textUpTo(64),
  role: Role,
  label: textUpTo(64),
  createdAtMs: ms,
  createdBy: textUpTo(128),
  expiresAtMs: ms,
  status: z.enum(INVITE_STATUSES),
  usedAtMs: z.nullable(ms),
  usedByDeviceId: z.nullable(textUpTo(64)),
  /** How long the device it pairs lives (a guest invite); null: no end time. */
  deviceExpiresInMs: z.nullable(ms),
});
export type InviteView = z.infer<typeof InviteView>;

export const AUDIT_ACTIONS = [
  "request_created",
  "approved",
  "rejected",
  "expired",
  "revoked",
  "renamed",
  "invite_created",
  "invite_used",
  "invite_revoked",
  "handshake_refused",
  "refusal_burst",
  "sessions_ended",
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  id: z.int().check(z.positive()),
  atMs: ms,
  action: AuditAction,
  actor: textUpTo(128),
  deviceId: z.optional(textUpTo(64)),
  requestId: z.optional(textUpTo(64)),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** A device's app session (the front door's cookie) as admins see it: never the cookie or its hash. */
export const AppSessionView = z.object({
  id: textUpTo(64),
  deviceId: textUpTo(64),
  /** The device's name now (empty if it is gone); from a browser, so escape it before a terminal prints it. */
  deviceName: textUpTo(64),
  createdAtMs: ms,
  lastUsedAtMs: ms,
  /** When it ends if unused from now on: the earlier of its idle and its absolute end. */
  expiresAtMs: ms,
});
export type AppSessionView = z.infer<typeof AppSessionView>;
