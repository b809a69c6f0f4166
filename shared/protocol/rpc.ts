// Every request a paired session (or the admin socket) may make: params and result schema, and who may call it
// (docs/protocol.md#requests-and-events). The gateway dispatches from this map and the dashboard types its calls from
// it.
import { z } from "zod/mini";
import { DEVICE_QUERY_MAX, DEVICES_PAGE_MAX } from "./device-search.js";
import { Label, Name } from "./names.js";
import { DEVICE_EXPIRY_MAX_MS, DEVICE_EXPIRY_MIN_MS, DEVICE_EXPIRY_RULE } from "../format/duration.js";
import { RESULTS } from "./results.js";
import { text } from "./schema-parts.js";
import { Role } from "./views.js";

const id = text(1, 64);
const empty = z.object({});

export { DevicesListResult, GatewayStatus, InviteCreated, RESULTS, SessionTicket } from "./results.js";

export const INVITE_TTL_MIN_MS = 60_000;
export const INVITE_TTL_MAX_MS = 7 * 24 * 3600_000;
export const INVITE_TTL_RULE = "between 1 minute and 7 days";
const inviteTtl = z
  .int()
  .check(
    z.minimum(INVITE_TTL_MIN_MS, { error: `An invite lasts ${INVITE_TTL_RULE}.` }),
    z.maximum(INVITE_TTL_MAX_MS, { error: `An invite lasts ${INVITE_TTL_RULE}.` }),
  );

/** How long a guest device lives from its pairing: `expiresInMs` on approve, `deviceExpiresInMs` on an invite. */
const deviceLifetime = z
  .int()
  .check(
    z.minimum(DEVICE_EXPIRY_MIN_MS, { error: `A device lifetime is ${DEVICE_EXPIRY_RULE}.` }),
    z.maximum(DEVICE_EXPIRY_MAX_MS, { error: `A device lifetime is ${DEVICE_EXPIRY_RULE}.` }),
  );

/** How many recent pairings devices.recent returns at most. */
export const RECENT_PAIRINGS_MAX = 20;

export const DevicesListParams = z.object({
  includeRevoked: z.optional(z.boolean()),
  /** Name, fingerprint or id prefix; ASCII case-insensitive (shared/protocol/device-search.ts). */
  query: z.optional(z.string().check(z.maxLength(DEVICE_QUERY_MAX))),
  /** `nextCursor` of the previous page. */
  cursor: z.optional(text(1, 128)),
  limit: z.optional(z.int().check(z.minimum(1), z.maximum(DEVICES_PAGE_MAX))),
});
export type DevicesListParams = z.infer<typeof DevicesListParams>;

/** One session by its id, or every session of one device: exactly one of the two. */
export const SessionsEndParams = z.object({ sessionId: z.optional(id), deviceId: z.optional(id) });
export type SessionsEndParams = z.infer<typeof SessionsEndParams>;

/** Approvals and invites without a role make viewers: admin is always an explicit choice. */
export const DEFAULT_ROLE = "viewer" satisfies Role;

/** `admin`: only admin sessions and the CLI; `self`: admins, or any role acting on its own device. */
export const METHODS = {
  "gateway.status": { role: "any", params: empty, result: RESULTS["gateway.status"] },
  "session.ticket": { role: "any", params: empty, result: RESULTS["session.ticket"] },
  "devices.list": { role: "admin", params: DevicesListParams, result: RESULTS["devices.list"] },
  "devices.approve": {
    role: "admin",
    params: z.object({
      code: text(1, 32),
      role: z.optional(Role),
      name: z.optional(Name),
      replacesDeviceId: z.optional(id),
      expiresInMs: z.optional(deviceLifetime),
    }),
    result: RESULTS["devices.approve"],
  },
  "devices.reject": {
    role: "admin",
    params: z.object({ requestId: z.optional(id), code: z.optional(text(1, 32)) }),
    result: RESULTS["devices.reject"],
  },
  "devices.revoke": {
    role: "admin",
    params: z.object({ deviceId: id }),
    result: RESULTS["devices.revoke"],
  },
  /** The newest pairings, for every paired tab's "recent activity": an unexpected one should be noticed. */
  "devices.recent": {
    role: "any",
    params: z.object({ limit: z.optional(z.int().check(z.minimum(1), z.maximum(RECENT_PAIRINGS_MAX))) }),
    result: RESULTS["devices.recent"],
  },
  "devices.rename": { role: "self", params: z.object({ deviceId: id, name: Name }), result: RESULTS["devices.rename"] },
  "invites.create": {
    role: "admin",
    params: z.object({
      role: Role,
      ttlMs: z.optional(inviteTtl),
      label: z.optional(Label),
      deviceExpiresInMs: z.optional(deviceLifetime),
    }),
    result: RESULTS["invites.create"],
  },
  "invites.revoke": { role: "admin", params: z.object({ inviteId: id }), result: RESULTS["invites.revoke"] },
  "audit.list": {
    role: "admin",
    params: z.object({
      limit: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
      beforeId: z.optional(z.int().check(z.positive())),
    }),
    result: RESULTS["audit.list"],
  },
  /** App sessions of the front door, newest use first; one device's with `deviceId`. */
  "sessions.list": { role: "admin", params: z.object({ deviceId: z.optional(id) }), result: RESULTS["sessions.list"] },
  /** Ends sessions at once; the device stays paired and its key may open a new one. `ended`: how many ended. */
  "sessions.end": { role: "admin", params: SessionsEndParams, result: RESULTS["sessions.end"] },
} as const;

export type MethodName = keyof typeof METHODS;
export type MethodParams<M extends MethodName> = z.infer<(typeof METHODS)[M]["params"]>;
export type MethodResult<M extends MethodName> = z.infer<(typeof METHODS)[M]["result"]>;
export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}
