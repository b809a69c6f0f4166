// Every request a paired session (or the admin socket) may make: params and result schema, and who may call it
// (DESIGN §3.3). The gateway dispatches from this map and the dashboard types its calls from it.
import { z } from "zod/mini";
import { DEVICE_QUERY_MAX, DEVICES_PAGE_MAX } from "./device-search.js";
import { Label, Name } from "./names.js";
import { AppSessionView, AuditEntry, DeviceView, GatewayCounts, InviteView, PendingView, Role, SeenFrom } from "./views.js";

const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const id = text(1, 64);
const empty = z.object({});

export const INVITE_TTL_MIN_MS = 60_000;
export const INVITE_TTL_MAX_MS = 7 * 24 * 3600_000;
export const INVITE_TTL_RULE = "between 1 minute and 7 days";
const inviteTtl = z.int().check(
  z.minimum(INVITE_TTL_MIN_MS, { error: `An invite lasts ${INVITE_TTL_RULE}.` }),
  z.maximum(INVITE_TTL_MAX_MS, { error: `An invite lasts ${INVITE_TTL_RULE}.` }),
);

export const DevicesListParams = z.object({
  includeRevoked: z.optional(z.boolean()),
  /** Name, fingerprint or id prefix; ASCII case-insensitive (shared/protocol/device-search.ts). */
  query: z.optional(z.string().check(z.maxLength(DEVICE_QUERY_MAX))),
  /** `nextCursor` of the previous page. */
  cursor: z.optional(text(1, 128)),
  limit: z.optional(z.int().check(z.minimum(1), z.maximum(DEVICES_PAGE_MAX))),
});
export type DevicesListParams = z.infer<typeof DevicesListParams>;

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

/** One session by its id, or every session of one device: exactly one of the two. */
export const SessionsEndParams = z.object({ sessionId: z.optional(id), deviceId: z.optional(id) });
export type SessionsEndParams = z.infer<typeof SessionsEndParams>;

/** Approvals and invites without a role make viewers: admin is always an explicit choice. */
export const DEFAULT_ROLE = "viewer" satisfies Role;

/** `admin`: only admin sessions and the CLI; `self`: admins, or any role acting on its own device. */
export const METHODS = {
  "gateway.status": { role: "any", params: empty, result: GatewayStatus },
  "session.ticket": { role: "any", params: empty, result: SessionTicket },
  "devices.list": { role: "admin", params: DevicesListParams, result: DevicesListResult },
  "devices.approve": {
    role: "admin",
    params: z.object({ code: text(1, 32), role: z.optional(Role), name: z.optional(Name), replacesDeviceId: z.optional(id) }),
    result: DeviceView,
  },
  "devices.reject": {
    role: "admin",
    params: z.object({ requestId: z.optional(id), code: z.optional(text(1, 32)) }),
    result: empty,
  },
  "devices.revoke": {
    role: "admin",
    params: z.object({ deviceId: id }),
    result: z.object({ closedConnections: z.int(), ms: z.number() }),
  },
  "devices.rename": { role: "self", params: z.object({ deviceId: id, name: Name }), result: DeviceView },
  "invites.create": {
    role: "admin",
    params: z.object({
      role: Role,
      ttlMs: z.optional(inviteTtl),
      label: z.optional(Label),
    }),
    result: InviteCreated,
  },
  "invites.revoke": { role: "admin", params: z.object({ inviteId: id }), result: empty },
  "audit.list": {
    role: "admin",
    params: z.object({
      limit: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
      beforeId: z.optional(z.int().check(z.positive())),
    }),
    result: z.object({ entries: z.array(AuditEntry) }),
  },
  /** App sessions of the front door, newest use first; one device's with `deviceId`. */
  "sessions.list": { role: "admin", params: z.object({ deviceId: z.optional(id) }), result: z.object({ sessions: z.array(AppSessionView) }) },
  /** Ends sessions at once; the device stays paired and its key may open a new one. `ended`: how many ended. */
  "sessions.end": { role: "admin", params: SessionsEndParams, result: z.object({ ended: z.int().check(z.nonnegative()) }) },
} as const;

export type MethodName = keyof typeof METHODS;
export type MethodParams<M extends MethodName> = z.infer<(typeof METHODS)[M]["params"]>;
export type MethodResult<M extends MethodName> = z.infer<(typeof METHODS)[M]["result"]>;
export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}
