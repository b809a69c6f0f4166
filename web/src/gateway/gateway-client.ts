// The dashboard's only connection to the gateway (docs/protocol.md): answers the challenge with a signature,
// waits on an open socket while pending (push, never poll), reconnects, and offers typed RPC and events once
// paired. The wire is transport.ts, the state next-state.ts and the timing reconnect-policy.ts; this file runs
// them together. Screens read getSnapshot() through useSyncExternalStore.
import { encodeB64u } from "../../../shared/encoding/b64u.js";
import { buildSignedBytes } from "../../../shared/pairing/signed-payload.js";
import { closeCodeFor, type ErrorCode } from "../../../shared/protocol/errors.js";
import type { ChallengeFrame, ErrorFrame, EventData, EventFrame, EventName, HelloFrame, ReqFrame, ServerFrame } from "../../../shared/protocol/frames.js";
import { isAppEventFrame } from "../../../shared/protocol/reserved.js";
import type { MethodName, MethodParams, MethodResult } from "../../../shared/protocol/rpc.js";
import type { RevokeReason } from "../../../shared/protocol/views.js";
import { NONCE_TTL_MS, PROTOCOL_VERSION } from "../../../shared/protocol/version.js";
import type { DeviceKeyResult } from "../device-key/device-key.js";
import { assertNever } from "../lib/assert-never.js";
import { CLIENT_CALL_ERRORS, GatewayCallError } from "./call-error.js";
import { errorCodeForClose } from "./close-codes.js";
import { EventBus } from "./event-bus.js";
import { PendingCalls } from "./pending-calls.js";
import type { GatewaySnapshot, GatewayState, PairedState, PendingState, UnreachableReason } from "./gateway-state.js";
import { nextState, type GatewayEvent } from "./next-state.js";
import type { Protocol } from "./protocol.js";
import { ReconnectPolicy } from "./reconnect-policy.js";
import type { OpenSocket } from "./socket.js";
import { Transport, type Link } from "./transport.js";

export interface GatewayClientDeps {
  url: string;
  /** location.origin: part of the signed bytes, compared by the gateway with the upgrade's Origin header. */
  origin: string;
  openSocket: OpenSocket;
  /** The frame parser and RPC schemas (./protocol.js), loaded alongside the first socket. */
  loadProtocol(): Promise<Protocol>;
  loadKey(): Promise<DeviceKeyResult>;
  /** Deletes the stored key and makes a new one; only ever called from a user's "Pair again". */
  replaceKey(): Promise<DeviceKeyResult>;
  client: { name: string; userAgent: string };
  /** An invite token from #invite=…, sent in the first hello only. */
  invite?: string | undefined;
  now(): number;
  random(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  onPaired?(): void;
  callTimeoutMs?: number;
}

interface Connection {
  link: Link | null;
  phase: "opening" | "challenged" | "pending" | "paired" | "closed";
  /** Set when the gateway sent an error frame: the close that follows only records its code. */
  errorCode: ErrorCode | null;
}

export class GatewayClient {
  readonly #deps: GatewayClientDeps;
  #snapshot: GatewaySnapshot = {
    state: { status: "connecting", resume: null },
    key: null,
    lastErrorCode: null,
    lastCloseCode: null,
    notice: null,
    sessionEpoch: 0,
  };
  readonly #listeners = new Set<() => void>();
  readonly #events = new EventBus();
  readonly #calls: PendingCalls;
  readonly #transport: Transport;
  readonly #policy: ReconnectPolicy;
  #conn: Connection | null = null;
  #lastConn: Connection | null = null;
  #keyPromise: Promise<DeviceKeyResult> | null = null;
  #keyResult: DeviceKeyResult | null = null;
  #invite: string | undefined;
  #retryTimer: unknown = null;
  #revokedBy: { byName: string; atMs: number; reason?: RevokeReason | undefined } | null = null;
  #clockSkewMs: number | null = null;
  #isStarted = false;

  constructor(deps: GatewayClientDeps) {
    this.#deps = deps;
    this.#invite = deps.invite;
    this.#calls = new PendingCalls(deps, deps.callTimeoutMs ?? 15_000);
    this.#policy = new ReconnectPolicy(deps);
    this.#transport = new Transport({
      url: deps.url,
      openSocket: deps.openSocket,
      loadProtocol: deps.loadProtocol,
      onProtocolUnavailable: () => {
        const conn = this.#conn;
        if (!conn) return;
        conn.phase = "closed";
        conn.link?.close(1000, "protocol module unavailable");
        this.#finish({ type: "incompatible", detail: "Part of this dashboard could not be loaded from the gateway." }, null);
      },
    });
  }

  // ---- store interface for useSyncExternalStore ----

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): GatewaySnapshot => this.#snapshot;

  // ---- lifecycle and user actions ----

  /**
   * Starts the socket and the key read at once: neither waits for the other. The socket goes first: its round trip
   * is the longer wait, and a fresh profile's first IndexedDB open can hold the main thread for a while.
   */
  start(): void {
    if (this.#isStarted) return;
    this.#isStarted = true;
    this.#connect();
    this.#useKey(this.#deps.loadKey());
  }

  /** Settles once the current key read (or creation) has finished, whatever its outcome. */
  keyReady(): Promise<void> {
    return (this.#keyPromise ?? Promise.resolve()).then(() => undefined);
  }

  /** Unreachable, rate limited, auth failed or storage unavailable: try again now instead of waiting. */
  retryNow = (): void => {
    const status = this.#snapshot.state.status;
    if (status === "storage_unavailable") this.#useKey(this.#deps.loadKey());
    if (status === "auth_failed") this.#policy.forgetAuthFailures();
    if (status === "unreachable" || status === "rate_limited" || status === "auth_failed" || status === "storage_unavailable") {
      this.#connect();
    }
  };

  /** After a rejection or expiry: the same key asks again and gets a new code (docs/protocol.md, "Errors and close codes"). */
  requestAgain = (): void => {
    const status = this.#snapshot.state.status;
    if (status === "rejected" || status === "expired") this.#connect();
  };

  /** After a revoke, or with an unreadable key: delete the old key, make a new one and request a code. */
  pairAgain = (): void => {
    const status = this.#snapshot.state.status;
    if (status !== "revoked" && status !== "key_unreadable") return;
    this.#revokedBy = null;
    this.#update({ key: null });
    this.#useKey(this.#deps.replaceKey());
    this.#connect();
  };

  /** Stops everything (tests, page unload). */
  dispose(): void {
    this.#clearRetryTimer();
    const conn = this.#conn;
    this.#conn = null;
    conn?.link?.close(1000, "client closing");
    this.#calls.rejectAll("disconnected");
  }

  // ---- RPC and events ----

  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>;
  /** An embedding app's own method; pairgate/client types it from the server's method map. */
  call(method: string, params: unknown): Promise<unknown>;
  call(method: string, params: unknown): Promise<unknown> {
    const link = this.#conn?.phase === "paired" ? this.#conn.link : null;
    if (!link) return Promise.reject(new GatewayCallError("not_connected", CLIENT_CALL_ERRORS.not_connected));
    const { id, result } = this.#calls.add(method);
    const frame: ReqFrame = { type: "req", id, method, params };
    link.send(frame);
    // Built-in methods: PendingCalls resolves only with a result its schema accepts (protocol.parseResult).
    return result;
  }

  on<E extends EventName>(event: E, handler: (data: EventData<E>) => void): () => void;
  /** An event the embedding app publishes; its data is the app's own. */
  on(event: string, handler: (data: unknown) => void): () => void;
  on(event: string, handler: (data: never) => void): () => void {
    return this.#events.on(event, handler as (data: unknown) => void);
  }

  // ---- connection ----

  #connect(): void {
    this.#clearRetryTimer();
    const previous = this.#conn;
    if (previous && previous.phase !== "closed") previous.link?.close(1000, "reconnecting");
    if (this.#keyResult && this.#keyResult.status !== "ready") {
      this.#enterKeyFailure(this.#keyResult);
      return;
    }
    this.#apply({ type: "connect" });
    const conn: Connection = { link: null, phase: "opening", errorCode: null };
    this.#conn = conn;
    this.#lastConn = conn;
    const isLive = () => this.#conn === conn && conn.phase !== "closed";
    conn.link = this.#transport.open({
      onFrame: (frame, protocol) => {
        if (isLive()) this.#handleFrame(conn, frame, protocol);
      },
      onUnreadable: (reason) => {
        if (!isLive()) return;
        conn.phase = "closed";
        conn.link?.close(1000, "unreadable frame");
        this.#finish({ type: "incompatible", detail: `The gateway sent a message this dashboard can't read (${reason}).` }, "protocol_mismatch");
      },
      onClose: (code) => this.#handleClose(conn, code),
    });
  }

  #handleFrame(conn: Connection, frame: ServerFrame, protocol: Protocol): void {
    switch (frame.type) {
      case "challenge":
        void this.#answerChallenge(conn, frame);
        return;
      case "pairing":
        conn.phase = "pending";
        this.#policy.answered();
        this.#apply({ type: "pairing", frame });
        return;
      case "welcome":
        conn.phase = "paired";
        this.#policy.answered();
        this.#update({
          state: nextState(this.#snapshot.state, { type: "welcome", frame }),
          notice: null,
          sessionEpoch: this.#snapshot.sessionEpoch + 1,
        });
        this.#deps.onPaired?.();
        return;
      case "error":
        this.#handleErrorFrame(conn, frame);
        return;
      case "res":
        this.#calls.settle(protocol, frame);
        return;
      case "event":
        if (isAppEventFrame(frame)) this.#events.emit(frame);
        else this.#handleEvent(frame);
        return;
      default:
        assertNever(frame);
    }
  }

  async #answerChallenge(conn: Connection, challenge: ChallengeFrame): Promise<void> {
    if (conn.phase !== "opening") return; // one challenge per socket; a second one is ignored
    conn.phase = "challenged";
    if (challenge.protocol !== PROTOCOL_VERSION) {
      conn.phase = "closed";
      conn.link?.close(1000, "protocol mismatch");
      const detail = `The gateway speaks protocol ${challenge.protocol}; this dashboard speaks ${PROTOCOL_VERSION}.`;
      this.#finish({ type: "incompatible", detail }, "protocol_mismatch");
      return;
    }
    // The challenge expires NONCE_TTL_MS after the gateway made it: enough to estimate clock skew for auth_failed.
    this.#clockSkewMs = this.#deps.now() - (challenge.expiresAtMs - NONCE_TTL_MS);
    const keyResult = await this.#keyPromise;
    if (this.#conn !== conn || conn.phase !== "challenged" || keyResult?.status !== "ready") return;
    const { key } = keyResult;
    const signedAtMs = this.#deps.now();
    const signedBytes = buildSignedBytes({
      gatewayId: challenge.gatewayId,
      nonce: challenge.nonce,
      origin: this.#deps.origin,
      publicKeyB64u: key.publicKeyB64u,
      signedAtMs,
    });
    let signature: Uint8Array;
    try {
      signature = await key.sign(signedBytes);
    } catch (error) {
      this.#enterKeyFailure({ status: "key_unreadable", reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (this.#conn !== conn || conn.phase !== "challenged") return;
    const hello: HelloFrame = {
      type: "hello",
      protocol: PROTOCOL_VERSION,
      publicKey: key.publicKeyB64u,
      signedAtMs,
      signature: encodeB64u(signature),
      keyStorage: key.keyStorage,
      client: { name: this.#deps.client.name.slice(0, 64), userAgent: this.#deps.client.userAgent.slice(0, 512) },
    };
    if (this.#invite !== undefined) {
      hello.invite = this.#invite;
      this.#invite = undefined; // first hello only: reconnects never resend a token the gateway has consumed
    }
    conn.link?.send(hello);
  }

  #handleErrorFrame(conn: Connection, frame: ErrorFrame): void {
    conn.errorCode = frame.code;
    conn.phase = "closed";
    this.#calls.rejectAll("disconnected");
    this.#applyError(frame.code, frame);
  }

  #handleClose(conn: Connection, closeCode: number): void {
    if (conn.errorCode !== null || this.#conn !== conn) {
      if (this.#lastConn === conn && conn.errorCode !== null) this.#update({ lastCloseCode: closeCode });
      return;
    }
    const phase = conn.phase;
    conn.phase = "closed";
    this.#conn = null;
    this.#calls.rejectAll("disconnected");
    if (phase === "closed") return; // we closed it ourselves after deciding what to show
    this.#update({ lastCloseCode: closeCode });
    // The error frame may be lost; the close code alone still says what happened.
    const coded = errorCodeForClose(closeCode);
    if (coded) {
      this.#applyError(coded, null);
      return;
    }
    // A dropped pending or paired socket reconnects at once; the gateway returns the same request and code.
    if ((phase === "pending" || phase === "paired") && this.#policy.reconnectsAtOnce()) {
      this.#connect();
      return;
    }
    this.#scheduleBackoff("no_connection");
  }

  #applyError(code: ErrorCode, frame: ErrorFrame | null): void {
    this.#update({ lastErrorCode: code, lastCloseCode: closeCodeFor(code) });
    const reaction = this.#policy.reactionTo(code, frame?.retryAfterMs);
    switch (reaction.kind) {
      case "show":
        this.#apply({
          type: "refused",
          code: reaction.code,
          message: frame?.message ?? null,
          revokedBy: frame?.revoked ?? this.#revokedBy,
          nowMs: this.#deps.now(),
          clockSkewMs: this.#clockSkewMs,
        });
        return;
      case "reconnect":
        if (code === "invite_invalid") {
          // Fall back to code pairing by itself, and say why the link didn't work.
          this.#invite = undefined;
          this.#update({ notice: "invite_invalid" });
        }
        this.#connect();
        return;
      case "wait":
        this.#apply({ type: "rate_limited", code: reaction.code, retryAtMs: this.#deps.now() + reaction.ms });
        this.#retryTimer = this.#deps.setTimer(() => this.#connect(), reaction.ms);
        return;
      case "backoff":
        this.#scheduleBackoff(reaction.reason);
        return;
      default:
        assertNever(reaction);
    }
  }

  #scheduleBackoff(reason: UnreachableReason): void {
    const { attempt, delayMs } = this.#policy.nextBackoff();
    this.#apply({ type: "retry_scheduled", attempt, retryAtMs: this.#deps.now() + delayMs, reason });
    this.#retryTimer = this.#deps.setTimer(() => this.#connect(), delayMs);
  }

  // ---- key ----

  #useKey(promise: Promise<DeviceKeyResult>): void {
    const guarded = promise.catch(
      (error: unknown): DeviceKeyResult => ({ status: "storage_unavailable", reason: error instanceof Error ? error.message : String(error) }),
    );
    this.#keyPromise = guarded;
    this.#keyResult = null;
    void guarded.then((result) => {
      if (this.#keyPromise !== guarded) return; // replaced by a later "pair again" or retry
      this.#keyResult = result;
      if (result.status === "ready") this.#update({ key: { publicKeyB64u: result.key.publicKeyB64u, keyStorage: result.key.keyStorage } });
      else this.#enterKeyFailure(result);
    });
  }

  #enterKeyFailure(result: Exclude<DeviceKeyResult, { status: "ready" }>): void {
    const conn = this.#conn;
    this.#conn = null;
    if (conn && conn.phase !== "closed") {
      conn.phase = "closed";
      conn.link?.close(1000, "no usable key");
    }
    this.#finish({ type: "key_failed", result }, null);
  }

  // ---- events ----

  #handleEvent(frame: EventFrame): void {
    const state = this.#snapshot.state;
    switch (frame.event) {
      case "device.revoked":
        this.#revokedBy = { byName: frame.data.byName, atMs: frame.data.atMs, reason: frame.data.reason };
        break;
      case "device.updated":
        this.#apply({ type: "device_updated", device: frame.data.device });
        break;
      case "devices.changed": {
        const own = state.status === "paired" ? frame.data.upserts.find((device) => device.id === state.device.id) : undefined;
        if (own) this.#apply({ type: "device_updated", device: own });
        break;
      }
      case "pairing.requested":
      case "pairing.resolved":
      case "gateway.counts": // for useGatewayStatus, through the event bus below
      case "devices.paired": // for the new-device notices
      case "gateway.alert": // for admin alerts
        break;
      default:
        assertNever(frame);
    }
    this.#events.emit(frame);
  }

  // ---- snapshot ----

  /** Moves to the state `event` leads to; listeners hear of it only when it differs. */
  #apply(event: GatewayEvent): void {
    const state = nextState(this.#snapshot.state, event);
    if (state !== this.#snapshot.state) this.#update({ state });
  }

  /** A final state for now: no retry pending, no call left waiting. */
  #finish(event: GatewayEvent, code: ErrorCode | null): void {
    this.#clearRetryTimer();
    this.#calls.rejectAll("disconnected");
    const state = nextState(this.#snapshot.state, event);
    this.#update(code ? { state, lastErrorCode: code } : { state });
  }

  #update(patch: Partial<GatewaySnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    for (const listener of this.#listeners) listener();
  }

  #clearRetryTimer(): void {
    if (this.#retryTimer !== null) this.#deps.clearTimer(this.#retryTimer);
    this.#retryTimer = null;
  }
}

export type { GatewaySnapshot, GatewayState, PairedState, PendingState };
