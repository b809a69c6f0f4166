// One schema per wire frame (docs/protocol.md#transport), for both edges. Client → gateway: hello, req.
// Gateway → client: challenge, welcome, pairing, error, res, event.
import { z } from "zod/mini";
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from "../pairing/device-id.js";
import { ERROR_CODES } from "./errors.js";
import { isAppName } from "./reserved-names.js";
import { b64u, ms, text } from "./schema-parts.js";
import { DevicePresence, DeviceView, GatewayCounts, InviteView, KeyStorage, PairedNotice, PendingView, RevokeReason, Role, SeenFrom } from "./views.js";

// ---- client → gateway ----

export const HelloFrame = z.object({
  type: z.literal("hello"),
  protocol: z.int(),
  publicKey: b64u(PUBLIC_KEY_BYTES),
  signedAtMs: ms,
  signature: b64u(SIGNATURE_BYTES),
  keyStorage: KeyStorage,
  client: z.object({ name: text(0, 64), userAgent: text(0, 512) }),
  invite: z.optional(text(1, 128)),
});
export type HelloFrame = z.infer<typeof HelloFrame>;

export const ReqFrame = z.object({
  type: z.literal("req"),
  id: text(1, 64),
  method: text(1, 64),
  params: z.optional(z.unknown()),
});
export type ReqFrame = z.infer<typeof ReqFrame>;

export const ClientFrame = z.discriminatedUnion("type", [HelloFrame, ReqFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ---- gateway → client ----

export const ChallengeFrame = z.object({
  type: z.literal("challenge"),
  protocol: z.int(),
  gatewayId: b64u(16),
  nonce: b64u(32),
  expiresAtMs: ms,
});
export type ChallengeFrame = z.infer<typeof ChallengeFrame>;

export const GatewayInfo = z.object({ name: text(0, 64), version: text(0, 32) });

export const WelcomeFrame = z.object({
  type: z.literal("welcome"),
  device: DeviceView,
  role: Role,
  gateway: GatewayInfo,
});
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;

export const PairingRequest = z.object({
  id: text(1, 64),
  code: text(8, 9),
  fingerprint: text(9, 9),
  expiresAtMs: ms,
  seenFrom: SeenFrom,
});
export type PairingRequest = z.infer<typeof PairingRequest>;

export const PairingFrame = z.object({
  type: z.literal("pairing"),
  request: PairingRequest,
  approveCommand: text(1, 256),
  gateway: GatewayInfo,
});
export type PairingFrame = z.infer<typeof PairingFrame>;

export const ErrorFrame = z.object({
  type: z.literal("error"),
  code: z.enum(ERROR_CODES),
  message: text(0, 500),
  retryAfterMs: z.optional(ms),
  /** Set with device_revoked so the tab can say who removed it and when. */
  revoked: z.optional(z.object({ byName: text(0, 128), atMs: ms, reason: z.optional(RevokeReason) })),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;

/** `path`: with invalid_params, where in the params the first failing value is. */
export const RpcError = z.object({ code: z.enum(ERROR_CODES), message: text(0, 500), path: z.optional(z.array(z.union([z.string(), z.int()]))) });

export const ResFrame = z.union([
  z.object({ type: z.literal("res"), id: text(1, 64), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal("res"), id: text(1, 64), ok: z.literal(false), error: RpcError }),
]);
export type ResFrame = z.infer<typeof ResFrame>;

/**
 * What changed in the devices list since the previous diff. `seq` goes up by one per diff on this gateway; a tab
 * whose last seen seq (from devices.list or a diff) is not `seq - 1` has missed one and refetches. Applying a diff
 * twice is harmless: upserts replace by id, removals and presence are absolute. `pending` and `invites` are short
 * and come whole, only when they changed.
 */
export const DevicesChanged = z.object({
  seq: z.int().check(z.positive()),
  upserts: z.array(DeviceView),
  /** Revoked devices, gone from the active list; with what a tab needs to tell whether its search counted them. */
  removed: z.array(z.object({ id: text(1, 64), name: text(0, 64), fingerprint: text(0, 9), approvedAtMs: ms })),
  presence: z.array(DevicePresence),
  pending: z.optional(z.array(PendingView)),
  invites: z.optional(z.array(InviteView)),
});
export type DevicesChanged = z.infer<typeof DevicesChanged>;

/**
 * Events: `device.*` go to the device's own sessions, `gateway.counts` and `devices.paired` to every paired session,
 * the rest to admin sessions.
 */
export const EVENTS = {
  "devices.changed": DevicesChanged,
  "pairing.requested": z.object({ request: PendingView }),
  "pairing.resolved": z.object({
    requestId: text(1, 64),
    outcome: z.enum(["approved", "rejected", "expired"]),
    deviceId: z.optional(text(1, 64)),
  }),
  "device.revoked": z.object({ deviceId: text(1, 64), byName: text(0, 128), atMs: ms, reason: z.optional(RevokeReason) }),
  "device.updated": z.object({ device: DeviceView }),
  /** The counts of gateway.status, when they change (at most about once a second), so a viewer's home stays live. */
  "gateway.counts": z.object({ counts: GatewayCounts }),
  /** To every paired session: a browser was just paired (approved or by invite). */
  "devices.paired": z.object({ device: PairedNotice }),
  /** To admin sessions: many refused handshakes from one source within `windowMs` (once per window per source). */
  "gateway.alert": z.object({
    kind: z.literal("refusal_burst"),
    address: text(0, 64),
    networkClass: SeenFrom.shape.networkClass,
    count: z.int().check(z.positive()),
    windowMs: z.int().check(z.positive()),
    atMs: ms,
  }),
} as const;
export type EventName = keyof typeof EVENTS;
export type EventData<E extends EventName> = z.infer<(typeof EVENTS)[E]>;

const eventFrame = <E extends EventName>(event: E) => z.object({ type: z.literal("event"), event: z.literal(event), data: EVENTS[event] });

export const EventFrame = z.discriminatedUnion("event", [
  eventFrame("devices.changed"),
  eventFrame("pairing.requested"),
  eventFrame("pairing.resolved"),
  eventFrame("device.revoked"),
  eventFrame("device.updated"),
  eventFrame("gateway.counts"),
  eventFrame("devices.paired"),
  eventFrame("gateway.alert"),
]);
export type EventFrame = z.infer<typeof EventFrame>;

/** An event an embedding app published with `publish()`: any non-reserved name, data is the app's own. */
export const AppEventFrame = z.object({
  type: z.literal("event"),
  event: text(1, 64).check(z.refine(isAppName, "reserved event name")),
  data: z.unknown(),
});
export type AppEventFrame = z.infer<typeof AppEventFrame>;

export const ServerFrame = z.union([ChallengeFrame, WelcomeFrame, PairingFrame, ErrorFrame, ResFrame, EventFrame, AppEventFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;
