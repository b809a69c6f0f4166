// What only admin RPC results carry (the audit log, app sessions), kept apart from views.ts, which the frames use.
import { z } from "zod/mini";
import { ms, textUpTo } from "./schema-parts.js";

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
