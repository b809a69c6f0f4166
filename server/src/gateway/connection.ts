// One WebSocket's life as a small state machine (STYLE "Boundaries"):
//   challenged → (verifying) → pending | authenticated → closed
// One handler per state; every refusal goes through reject(), which sends the error frame and closes.
import { assertNever } from "../../../shared/assert-never.js";
import {
  closeCodeFor,
  encodeB64u,
  ERRORS,
  formatCode,
  HANDSHAKE_TIMEOUT_MS,
  NONCE_TTL_MS,
  PairgateError,
  PROTOCOL_VERSION,
  type ErrorCode,
  type AppEventFrame,
  type EventFrame,
  type HelloFrame,
  type ReqFrame,
  type RevokeReason,
  type Role,
  type ServerFrame,
} from "../../../shared/index.js";
import { RevokedError, type PairingService } from "../pairing/pairing-service.js";
// Generated from the frame schemas (scripts/gen-frame-parsers.ts): zod's rules without its generic machinery,
// on every handshake's hello (docs/performance.md).
import { parseClientFrame } from "./client-frames.generated.js";
import type { DeviceRecord, PendingRecord } from "../store/device-store.js";
import { TokenBucket } from "./limits.js";
import type { RpcCaller } from "./caller.js";
import type { ConnectionInfo, Session } from "./session.js";
import type { SocketLike, Timers } from "./socket.js";
import { toDeviceView } from "./views.js";

export type { ConnectionInfo } from "./session.js";

export const CONNECTION_STATES = ["challenged", "verifying", "pending", "authenticated", "closed"] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/** Each state holds exactly what it needs: the nonce only until hello, the device and rate bucket only once paired. */
type Phase =
  | { state: "challenged"; nonce: string; nonceExpiresAtMs: number }
  | { state: "verifying" }
  | { state: "pending"; request: PendingRecord }
  | { state: "authenticated"; device: DeviceRecord; request: PendingRecord | null; bucket: TokenBucket }
  | { state: "closed"; device: DeviceRecord | null; request: PendingRecord | null };

export interface ConnectionDeps {
  service: PairingService;
  gatewayId: string;
  gateway: { name: string; version: string };
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
  timers: Timers;
  requestLimits: { requestsPerSecond: number; requestBurst: number };
  approveCommand: (formattedCode: string) => string;
  dispatch: (caller: RpcCaller, method: string, params: unknown) => Promise<unknown>;
  /** Lifecycle hooks into the session hub and the limits. */
  onPending: (conn: Connection, request: PendingRecord) => void;
  onAuthenticated: (conn: Connection, device: DeviceRecord) => { online: number };
  onRefused: (conn: Connection, code: ErrorCode, reason: string) => void;
  onClosed: (conn: Connection, previous: ConnectionState) => void;
  onInternalError: (err: unknown) => void;
}

export class Connection implements Session {
  private phase: Phase = { state: "challenged", nonce: "", nonceExpiresAtMs: 0 };
  private cancelHandshakeTimer: () => void = () => {};
  /**
   * Aborted when the socket closes (revoke included), so app method handlers can stop their work. Made on the first
   * request only: abort() builds an Event and a DOMException with a stack trace (tens of µs per socket, the
   * largest waste in the handshake's profile), and most sockets close without ever calling a method.
   */
  private closing: AbortController | null = null;

  constructor(
    private readonly socket: SocketLike,
    readonly info: ConnectionInfo,
    private readonly deps: ConnectionDeps,
  ) {}

  get state(): ConnectionState {
    return this.phase.state;
  }

  get device(): DeviceRecord | null {
    return this.phase.state === "authenticated" || this.phase.state === "closed" ? this.phase.device : null;
  }

  get request(): PendingRecord | null {
    return this.phase.state === "pending" || this.phase.state === "authenticated" || this.phase.state === "closed" ? this.phase.request : null;
  }

  get role(): Role | null {
    return this.device?.role ?? null;
  }

  start(): void {
    const nonce = encodeB64u(this.deps.randomBytes(32));
    const nonceExpiresAtMs = this.deps.now() + NONCE_TTL_MS;
    this.phase = { state: "challenged", nonce, nonceExpiresAtMs };
    this.send({ type: "challenge", protocol: PROTOCOL_VERSION, gatewayId: this.deps.gatewayId, nonce, expiresAtMs: nonceExpiresAtMs });
    this.cancelHandshakeTimer = this.deps.timers.set(() => {
      if (this.state === "challenged" || this.state === "verifying") this.reject("handshake_timeout");
    }, HANDSHAKE_TIMEOUT_MS);
  }

  handleMessage(text: string): void {
    const phase = this.phase;
    if (phase.state === "closed") return;
    const parsed = parseClientFrame(text);
    if (!parsed.ok) return this.reject("bad_frame", `Invalid frame: ${parsed.reason}.`);
    const frame = parsed.frame;
    switch (phase.state) {
      case "challenged":
        if (frame.type !== "hello") return this.reject("bad_frame", "Expected hello before any request.");
        return void this.onHello(frame, phase);
      case "authenticated":
        if (frame.type !== "req") return this.reject("bad_frame", "Already authenticated.");
        return void this.onRequest(frame, phase);
      case "verifying":
      case "pending":
        return this.reject("bad_frame", `No frames are expected while ${phase.state}.`);
      default:
        return assertNever(phase);
    }
  }

  /** Binary frames and protocol-level errors from the WebSocket layer. */
  handleBadTransport(reason: string): void {
    if (this.state !== "closed") this.reject("bad_frame", reason);
  }

  handleClosed(): void {
    if (this.phase.state === "closed") return;
    const previous = this.phase.state;
    this.phase = { state: "closed", device: this.device, request: this.request };
    this.cancelHandshakeTimer();
    this.closing?.abort();
    this.deps.onClosed(this, previous);
  }

  private async onHello(hello: HelloFrame, challenged: Extract<Phase, { state: "challenged" }>): Promise<void> {
    this.phase = { state: "verifying" }; // the nonce goes with the challenged state: single use, whatever happens next
    try {
      const outcome = await this.deps.service.handleHello(hello, {
        gatewayId: this.deps.gatewayId,
        nonce: challenged.nonce,
        nonceExpiresAtMs: challenged.nonceExpiresAtMs,
        origin: this.info.origin,
        seenFrom: this.info.seenFrom,
      });
      if (this.phase.state !== "verifying") return; // closed meanwhile
      if (outcome.kind === "paired") this.promote(outcome.device);
      else this.awaitApproval(outcome.request);
    } catch (err) {
      this.rejectWith(err);
    }
  }

  private awaitApproval(request: PendingRecord): void {
    this.cancelHandshakeTimer();
    this.phase = { state: "pending", request };
    this.deps.onPending(this, request);
    this.send({
      type: "pairing",
      request: {
        id: request.id,
        code: formatCode(request.code),
        fingerprint: request.fingerprint,
        expiresAtMs: request.expiresAtMs,
        seenFrom: this.info.seenFrom,
      },
      approveCommand: this.deps.approveCommand(formatCode(request.code)),
      gateway: this.deps.gateway,
    });
  }

  /** Paired: straight from hello, or later when a pending request is approved on this socket. */
  promote(device: DeviceRecord): void {
    if (this.phase.state !== "verifying" && this.phase.state !== "pending") return;
    this.cancelHandshakeTimer();
    const bucket = new TokenBucket(this.deps.requestLimits.requestsPerSecond, this.deps.requestLimits.requestBurst, this.deps.now());
    this.phase = { state: "authenticated", device, request: this.request, bucket };
    const { online } = this.deps.onAuthenticated(this, device);
    this.send({ type: "welcome", device: toDeviceView(device, online, device.id), role: device.role, gateway: this.deps.gateway });
  }

  updateDevice(device: DeviceRecord): void {
    if (this.phase.state === "authenticated") this.phase = { ...this.phase, device };
  }

  private async onRequest(req: ReqFrame, { bucket, device }: Extract<Phase, { state: "authenticated" }>): Promise<void> {
    if (!bucket.take(this.deps.now())) return this.reject("rate_limited", undefined, 1000);
    const caller: RpcCaller = {
      kind: "device",
      deviceId: device.id,
      role: device.role,
      name: device.name,
      seenFrom: this.info.seenFrom,
      origin: this.info.origin,
      fingerprint: device.fingerprint,
      signal: (this.closing ??= new AbortController()).signal,
    };
    try {
      const result = await this.deps.dispatch(caller, req.method, req.params ?? {});
      if (this.state === "authenticated") this.send({ type: "res", id: req.id, ok: true, result });
    } catch (err) {
      if (this.state !== "authenticated") return;
      const { code, message } = errorInfo(err, this.deps.onInternalError);
      const path = err instanceof PairgateError ? err.path : undefined;
      this.send({ type: "res", id: req.id, ok: false, error: { code, message, ...(path ? { path } : {}) } });
    }
  }

  /** `text` lets a broadcast serialise one frame once for many sessions. */
  sendEvent(frame: EventFrame | AppEventFrame, text?: string): void {
    if (this.state === "authenticated") this.socket.send(text ?? JSON.stringify(frame));
  }

  /** Sends `error {code}` and closes with the code's close code. The single exit for refusals. */
  reject(code: ErrorCode, message?: string, retryAfterMs?: number, revoked?: { byName: string; atMs: number; reason: RevokeReason }): void {
    if (this.state === "closed") return;
    if (this.state === "challenged" || this.state === "verifying") this.deps.onRefused(this, code, message ?? ERRORS[code].message);
    this.send({
      type: "error",
      code,
      message: message ?? ERRORS[code].message,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(revoked ? { revoked } : {}),
    });
    const closeCode = closeCodeFor(code) ?? 4400;
    this.socket.close(closeCode, code);
    this.handleClosed();
  }

  private rejectWith(err: unknown): void {
    if (err instanceof RevokedError) return this.reject("device_revoked", err.message, undefined, { byName: err.byName, atMs: err.atMs, reason: err.reason });
    const { code, message, retryAfterMs } = errorInfo(err, this.deps.onInternalError);
    this.reject(code, message, retryAfterMs);
  }

  private send(frame: ServerFrame): void {
    this.socket.send(JSON.stringify(frame));
  }
}

function errorInfo(err: unknown, onInternal: (err: unknown) => void): { code: ErrorCode; message: string; retryAfterMs?: number } {
  if (err instanceof PairgateError)
    return { code: err.code, message: err.message, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) };
  onInternal(err);
  return { code: "internal", message: ERRORS.internal.message };
}
