// The connection state as a pure function of what happened: no socket, no timer, no key. The gateway client feeds
// it events and shows what it returns; the reconnect policy (reconnect-policy.ts) decides when to connect again.
import { ERRORS, type ErrorCode } from "../../../shared/protocol/errors.js";
import type { PairingFrame, WelcomeFrame } from "../../../shared/protocol/frames.js";
import type { DeviceView, RevokeReason } from "../../../shared/protocol/views.js";
import type { DeviceKeyResult } from "../device-key/device-key.js";
import type { GatewayState, UnreachableReason } from "./gateway-state.js";

/** A refusal that ends on its own screen (the others reconnect: see reconnect-policy.ts). */
export type ShownRefusal = "device_revoked" | "pairing_rejected" | "pairing_expired" | "protocol_mismatch" | "auth_failed" | FailedCode;
type FailedCode = "superseded" | "bad_frame" | "forbidden" | "not_found" | "invalid_params" | "conflict";

export type GatewayEvent =
  /** A new socket opens; a pending or paired screen stays up meanwhile. */
  | { type: "connect" }
  | { type: "pairing"; frame: PairingFrame }
  | { type: "welcome"; frame: WelcomeFrame }
  /** This device's own row changed (device.updated, devices.changed). */
  | { type: "device_updated"; device: DeviceView }
  | {
      type: "refused";
      code: ShownRefusal;
      /** The error frame's text, when there was a frame (only the close code may have arrived). */
      message: string | null;
      /** Who revoked this device, from the error frame or an earlier device.revoked event. */
      revokedBy: { byName: string; atMs: number; reason?: RevokeReason | undefined } | null;
      nowMs: number;
      clockSkewMs: number | null;
    }
  /** A frame or chunk this page can't use, or a gateway speaking another protocol version. */
  | { type: "incompatible"; detail: string }
  | { type: "retry_scheduled"; attempt: number; retryAtMs: number; reason: UnreachableReason }
  | { type: "rate_limited"; code: "rate_limited" | "pending_limit"; retryAtMs: number }
  | { type: "key_failed"; result: Exclude<DeviceKeyResult, { status: "ready" }> };

export function nextState(state: GatewayState, event: GatewayEvent): GatewayState {
  switch (event.type) {
    case "connect": {
      const resume = state.status === "pending" || state.status === "paired" ? state : state.status === "connecting" ? state.resume : null;
      return { status: "connecting", resume };
    }
    case "pairing": {
      const { request, approveCommand, gateway } = event.frame;
      return { status: "pending", request, approveCommand, gateway };
    }
    case "welcome": {
      const { device, role, gateway } = event.frame;
      return { status: "paired", device, role, gateway };
    }
    case "device_updated":
      return state.status === "paired" && state.device.id === event.device.id ? { ...state, device: event.device } : state;
    case "refused":
      return refusedState(event);
    case "incompatible":
      return { status: "protocol_mismatch", detail: event.detail };
    case "retry_scheduled":
      return { status: "unreachable", attempt: event.attempt, retryAtMs: event.retryAtMs, reason: event.reason };
    case "rate_limited":
      return { status: "rate_limited", code: event.code, retryAtMs: event.retryAtMs };
    case "key_failed":
      return event.result.status === "key_unreadable"
        ? { status: "key_unreadable", reason: event.result.reason }
        : { status: "storage_unavailable", reason: event.result.reason };
  }
}

function refusedState(event: Extract<GatewayEvent, { type: "refused" }>): GatewayState {
  switch (event.code) {
    case "device_revoked":
      return {
        status: "revoked",
        byName: event.revokedBy?.byName || "an admin",
        atMs: event.revokedBy?.atMs ?? event.nowMs,
        reason: event.revokedBy?.reason ?? "revoked",
      };
    case "pairing_rejected":
      return { status: "rejected" };
    case "pairing_expired":
      return { status: "expired" };
    case "protocol_mismatch":
      return { status: "protocol_mismatch", detail: event.message || ERRORS.protocol_mismatch.message };
    case "auth_failed":
      return { status: "auth_failed", clockSkewMs: event.clockSkewMs };
    default:
      return { status: "failed", code: event.code satisfies ErrorCode, message: event.message || ERRORS[event.code].message };
  }
}
