// What the dashboard knows about its gateway connection: one state per screen (docs/design.md#dashboard), plus the
// facts every screen may show (key fingerprint, last error and close code, a notice).
import type { ErrorCode } from "../../../shared/protocol/errors.js";
import type { PairingFrame, PairingRequest } from "../../../shared/protocol/frames.js";
import type { DeviceView, KeyStorage, RevokeReason, Role } from "../../../shared/protocol/views.js";

export type GatewayInfo = PairingFrame["gateway"];

export interface PendingState {
  status: "pending";
  request: PairingRequest;
  approveCommand: string;
  gateway: GatewayInfo;
}

export interface PairedState {
  status: "paired";
  device: DeviceView;
  role: Role;
  gateway: GatewayInfo;
}

export const UNREACHABLE_REASONS = {
  no_connection: "The gateway did not answer.",
  shutting_down: "The gateway is restarting or shutting down.",
  internal: "The gateway hit an internal error.",
  handshake_timeout: "The connection was not completed in time.",
} as const;
export type UnreachableReason = keyof typeof UNREACHABLE_REASONS;

export type GatewayState =
  /** `resume`: the screen to keep showing while a dropped pending/paired socket reconnects. */
  | { status: "connecting"; resume: PendingState | PairedState | null }
  | { status: "unreachable"; attempt: number; retryAtMs: number; reason: UnreachableReason }
  | PendingState
  | PairedState
  | { status: "rejected" }
  | { status: "expired" }
  | { status: "revoked"; byName: string; atMs: number; reason: RevokeReason }
  | { status: "protocol_mismatch"; detail: string }
  | { status: "auth_failed"; clockSkewMs: number | null }
  | { status: "rate_limited"; code: "rate_limited" | "pending_limit"; retryAtMs: number }
  | { status: "key_unreadable"; reason: string }
  | { status: "storage_unavailable"; reason: string }
  | { status: "failed"; code: ErrorCode; message: string };

export type ConnectionStatus = GatewayState["status"];

export type GatewayNotice = "invite_invalid";

export interface GatewaySnapshot {
  state: GatewayState;
  /** This browser's key, once loaded. (The fingerprint comes from the gateway: shared's SHA-256 stays out of the bundle.) */
  key: { publicKeyB64u: string; keyStorage: KeyStorage } | null;
  lastErrorCode: ErrorCode | null;
  lastCloseCode: number | null;
  notice: GatewayNotice | null;
  /** Increments on every welcome, so data hooks refetch after a reconnect. */
  sessionEpoch: number;
}
