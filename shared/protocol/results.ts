// What each request answers: one schema per result, apart from the params (rpc.ts): the browser's parser is
// generated from these and frames.ts (scripts/gen-frame-parsers.ts), never from the params it doesn't check.
import { z } from "zod/mini";
import { text } from "./schema-parts.js";
import { AppSessionView, AuditEntry } from "./admin-views.js";
import { DeviceView, GatewayCounts, InviteView, PairedNotice, PendingView, SeenFrom } from "./views.js";

const id = text(1, 64);
export const EMPTY_RESULT = z.object({});

/** One page of devices, newest approval first, with every live request and invite. */
export const DevicesListResult = z.object({
  devices: z.array(DeviceView),
  /** How many devices match the query (all pages). */
  total: z.int().check(z.nonnegative()),
  nextCursor: z.nullable(text(1, 128)),
  /** The last devices.changed diff this page already reflects; apply only later ones. */
  seq: z.int().check(z.nonnegative()),
  pending: z.array(PendingView),
  invites: z.array(InviteView),
});
export type DevicesListResult = z.infer<typeof DevicesListResult>;

export const GatewayStatus = z.object({
  name: text(0, 64),
  version: text(0, 32),
  gatewayId: text(0, 32),
  uptimeMs: z.int(),
  counts: GatewayCounts,
  seenFrom: SeenFrom,
});
export type GatewayStatus = z.infer<typeof GatewayStatus>;

/** A one-time ticket the page trades for a session cookie in `POST <prefix>/session` (docs/protocol.md). */
export const SessionTicket = z.object({ ticket: text(43, 43), expiresAtMs: z.int() });
export type SessionTicket = z.infer<typeof SessionTicket>;

export const InviteCreated = z.object({ inviteId: id, token: text(43, 43), url: text(1, 2048), expiresAtMs: z.int() });
export type InviteCreated = z.infer<typeof InviteCreated>;

export const RESULTS = {
  "gateway.status": GatewayStatus,
  "devices.list": DevicesListResult,
  "devices.approve": DeviceView,
  "devices.reject": EMPTY_RESULT,
  "devices.revoke": z.object({ closedConnections: z.int(), ms: z.number() }),
  "devices.rename": DeviceView,
  "devices.recent": z.object({ paired: z.array(PairedNotice) }),
  "session.ticket": SessionTicket,
  "sessions.list": z.object({ sessions: z.array(AppSessionView) }),
  "sessions.end": z.object({ ended: z.int().check(z.nonnegative()) }),
  "invites.create": InviteCreated,
  "invites.revoke": EMPTY_RESULT,
  "audit.list": z.object({ entries: z.array(AuditEntry) }),
} as const;
