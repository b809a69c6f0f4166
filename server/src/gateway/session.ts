// What the session hub needs from one socket: who it is (a device, or a request waiting for approval), where it
// connects from, and the few things the hub does to it. Connection implements it; the hub never sees the state
// machine, and the state machine knows the hub only through the hooks it is given.
import type { RevokeReason } from "../../../shared/protocol/views.js";
import type { AppEventFrame, ErrorCode, EventFrame, Role, SeenFrom } from "../../../shared/index.js";
import type { DeviceRecord, PendingRecord } from "../store/device-store.js";

export interface ConnectionInfo {
  seenFrom: SeenFrom;
  /** The upgrade's Origin header, "" when none was sent (it is part of the signed bytes). */
  origin: string;
  /** The upgrade's Host header, for `pairgate doctor` when a handshake is refused. */
  host?: string | null;
}

export interface Session {
  readonly info: ConnectionInfo;
  /** The paired device behind this socket, once authenticated (kept after close, so the hub can unregister it). */
  readonly device: DeviceRecord | null;
  /** The pending request this socket waits on, or was approved from. */
  readonly request: PendingRecord | null;
  readonly role: Role | null;
  /** Approved while waiting: welcome on this socket. */
  promote(device: DeviceRecord): void;
  /** The device was renamed or otherwise changed in the store. */
  updateDevice(device: DeviceRecord): void;
  /** `text` lets a broadcast serialise one frame once for many sessions. */
  sendEvent(frame: EventFrame | AppEventFrame, text?: string): void;
  /** Sends `error {code}` and closes with the code's close code. */
  reject(code: ErrorCode, message?: string, retryAfterMs?: number, revoked?: { byName: string; atMs: number; reason: RevokeReason }): void;
}
