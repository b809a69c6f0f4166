// One WebSocket's life as a small state machine (STYLE "Boundaries"):
//   challenged → (verifying) → pending | authenticated → closed
// One handler per state; every refusal goes through reject(), which sends the error frame and closes.
import {
  closeCodeFor,
  encodeB64u,
  ERRORS,
  formatCode,
  HANDSHAKE_TIMEOUT_MS,
  NONCE_TTL_MS,
  PairgateError,
  parseClientFrame,
  PROTOCOL_VERSION,
  type ErrorCode,
  type AppEventFrame,
  type EventFrame,
  type HelloFrame,
  type ReqFrame,
  type RevokeReason,
  type Role,
  type SeenFrom,
  type ServerFrame,
} from "../../../shared/index.js";
import { RevokedError, type PairingService } from "../pairing/pairing-service.js";
import type { DeviceRecord, PendingRecord } from "../store/device-store.js";
import { TokenBucket } from "./limits.js";
import type { RpcCaller } from "./rpc-handlers.js";
import type { SocketLike, Timers } from "./socket.js";
import { toDeviceView } from "./views.js";

export const CONNECTION_STATES = ["challenged", "verifying", "pending", "authenticated", "closed"] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

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

export interface ConnectionInfo {
  seenFrom: SeenFrom;
  /** The upgrade's Origin header, "" when none was sent (it is part of the signed bytes). */
  origin: string;
  /** The upgrade's Host header, for `pairgate doctor` when a handshake is refused. */
  host?: string | null;
}

export class Connection {
  state: ConnectionState = "challenged";
  device: DeviceRecord | null = null;
  request: PendingRecord | null = null;
  private nonce = "";
  private nonceExpiresAtMs = 0;
  private cancelHandshakeTimer: () => void = () => {};
  private bucket: TokenBucket | null = null;
  /** Aborted when the socket closes (revoke included), so app method handlers can stop their work. */
  private readonly closing = new AbortController();

  constructor(
    private readonly socket: SocketLike,
    readonly info: ConnectionInfo,
    private readonly deps: ConnectionDeps,
  ) {}

  get role(): Role | null {
    return this.device?.role ?? null;
  }

  start(): void {
    const now = this.deps.now();
    this.nonce = encodeB64u(this.deps.randomBytes(32));
    this.nonceExpiresAtMs = now + NONCE_TTL_MS;
    this.send({ type: "challenge", protocol: PROTOCOL_VERSION, gatewayId: this.deps.gatewayId, nonce: this.nonce, expiresAtMs: this.nonceExpiresAtMs });
    this.cancelHandshakeTimer = this.deps.timers.set(() => {
      if (this.state === "challenged" || this.state === "verifying") this.reject("handshake_timeout");
    }, HANDSHAKE_TIMEOUT_MS);
  }

  handleMessage(text: string): void {
    if (this.state === "closed") return;
    const parsed = parseClientFrame(text);
    if (!parsed.ok) return this.reject("bad_frame", `Invalid frame: ${parsed.reason}.`);
    const frame = parsed.frame;
    switch (this.state) {
      case "challenged":
        if (frame.type !== "hello") return this.reject("bad_frame", "Expected hello before any request.");
        return void this.onHello(frame);
      case "authenticated":
        if (frame.type !== "req") return this.reject("bad_frame", "Already authenticated.");
        return void this.onRequest(frame);
      case "verifying":
      case "pending":
        return this.reject("bad_frame", `No frames are expected while ${this.state}.`);
      default:
        return assertNever(this.state);
    }
  }

  /** Binary frames and protocol-level errors from the WebSocket layer. */
  handleBadTransport(reason: string): void {
    if (this.state !== "closed") this.reject("bad_frame", reason);
  }

  handleClosed(): void {
    if (this.state === "closed") return;
    const previous = this.state;
    this.state = "closed";
    this.cancelHandshakeTimer();
    this.closing.abort();
    this.deps.onClosed(this, previous);
  }

  private async onHello(hello: HelloFrame): Promise<void> {
    this.state = "verifying";
    try {
      const outcome = await this.deps.service.handleHello(hello, {
        gatewayId: this.deps.gatewayId,
        nonce: this.nonce,
        nonceExpiresAtMs: this.nonceExpiresAtMs,
        origin: this.info.origin,
        seenFrom: this.info.seenFrom,
      });
      this.nonce = ""; // single use, whatever happens next
      if (this.state !== "verifying") return; // closed meanwhile
      if (outcome.kind === "paired") this.promote(outcome.device);
      else this.awaitApproval(outcome.request);
    } catch (err) {
      this.nonce = "";
      this.rejectWith(err);
    }
  }

  private awaitApproval(request: PendingRecord): void {
    this.cancelHandshakeTimer();
    this.state = "pending";
    this.request = request;
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
    if (this.state !== "verifying" && this.state !== "pending") return;
    this.cancelHandshakeTimer();
    this.state = "authenticated";
    this.device = device;
    this.bucket = new TokenBucket(this.deps.requestLimits.requestsPerSecond, this.deps.requestLimits.requestBurst, this.deps.now());
    const { online } = this.deps.onAuthenticated(this, device);
    this.send({ type: "welcome", device: toDeviceView(device, online, device.id), role: device.role, gateway: this.deps.gateway });
  }

  private async onRequest(req: ReqFrame): Promise<void> {
    if (!this.bucket!.take(this.deps.now())) return this.reject("rate_limited", undefined, 1000);
    const device = this.device!;
    const caller: RpcCaller = { kind: "device", deviceId: device.id, role: device.role, name: device.name, seenFrom: this.info.seenFrom, origin: this.info.origin, fingerprint: device.fingerprint, signal: this.closing.signal };
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
  if (err instanceof PairgateError) return { code: err.code, message: err.message, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) };
  onInternal(err);
  return { code: "internal", message: ERRORS.internal.message };
}

function assertNever(x: never): never {
  throw new Error(`unexpected state ${String(x)}`);
}
