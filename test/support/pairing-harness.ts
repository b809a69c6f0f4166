// In-memory pieces for driving the pairing service and the connection state machine without a network, a disk
// or a sleep: a manual clock, manual timers, a recording socket and a hello signed over a given challenge.
import { randomBytes, randomInt } from "node:crypto";
import { buildSignedBytes, encodeB64u, parseServerFrame, PROTOCOL_VERSION, type HelloFrame, type NetworkClass, type ServerFrame } from "../../shared/index.js";
import { WindowCounter } from "../../server/src/gateway/limits.js";
import type { SocketLike, Timers } from "../../server/src/gateway/socket.js";
import type { PairingEvent } from "../../server/src/pairing/events.js";
import { PairingService, type HelloContext, type PairingDeps } from "../../server/src/pairing/pairing-service.js";
import { SignatureVerifier } from "../../server/src/pairing/verify-signature.js";
import { MemoryStore } from "../../server/src/store/memory-store.js";
import type { TestKey } from "./test-key.js";

/** 2025-11-25T00:00:00Z, the golden vector's signedAtMs. */
export const T0 = 1_764_028_800_000;
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const ORIGIN = "http://localhost:8420";

export class ManualClock {
  ms = T0;
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Timers that fire only when the test moves time with advance(); the clock moves with them. */
export class ManualTimers implements Timers {
  private readonly queue: Array<{ atMs: number; fn: () => void; cancelled: boolean }> = [];
  constructor(private readonly clock: ManualClock) {}

  set(fn: () => void, ms: number): () => void {
    const timer = { atMs: this.clock.ms + ms, fn, cancelled: false };
    this.queue.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Moves the clock by `ms`, running every timer that falls due on the way, earliest first. */
  advance(ms: number): void {
    const target = this.clock.ms + ms;
    for (;;) {
      const due = this.queue.filter((t) => !t.cancelled && t.atMs <= target).sort((a, b) => a.atMs - b.atMs)[0];
      if (!due) break;
      due.cancelled = true;
      this.clock.ms = Math.max(this.clock.ms, due.atMs);
      due.fn();
    }
    this.clock.ms = target;
  }

  get pending(): number {
    return this.queue.filter((t) => !t.cancelled).length;
  }
}

/** A socket that records what the connection sends, parsed with the same shared parser the dashboard uses. */
export class RecordingSocket implements SocketLike {
  readonly sent: string[] = [];
  closed: { code: number; reason: string } | null = null;

  send(text: string): void {
    if (this.closed) throw new Error(`send after close: ${text.slice(0, 120)}`);
    this.sent.push(text);
  }

  close(code: number, reason: string): void {
    if (this.closed) throw new Error("closed twice");
    this.closed = { code, reason };
  }

  get frames(): ServerFrame[] {
    return this.sent.map((text) => {
      const parsed = parseServerFrame(text);
      if (!parsed.ok) throw new Error(`the gateway sent a frame that fails the shared schema (${parsed.reason}): ${text.slice(0, 200)}`);
      return parsed.frame;
    });
  }

  last<T extends ServerFrame["type"]>(type: T): Extract<ServerFrame, { type: T }> {
    const frame = this.frames.filter((f) => f.type === type).at(-1);
    if (!frame) throw new Error(`no ${type} frame among: ${this.frames.map((f) => f.type).join(", ") || "(none)"}`);
    return frame as Extract<ServerFrame, { type: T }>;
  }
}

/** Lets every pending promise chain settle (the MemoryStore does no IO, so one macrotask turn is enough). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface ServiceHarness {
  service: PairingService;
  store: MemoryStore;
  clock: ManualClock;
  events: PairingEvent[];
}

export function createService(
  overrides: Partial<Pick<PairingDeps, "limits" | "requestRate" | "randomInt" | "hasWaitingTab" | "idleExpiryMs">> & { clock?: ManualClock } = {},
): ServiceHarness {
  const clock = overrides.clock ?? new ManualClock();
  const store = new MemoryStore();
  const service = new PairingService({
    store,
    verifier: new SignatureVerifier(),
    now: clock.now,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    randomInt: overrides.randomInt ?? ((max) => randomInt(max)),
    limits: overrides.limits ?? { pendingPerAddress: 3, pendingTotal: 20 },
    requestRate: overrides.requestRate ?? new WindowCounter(10, MINUTE),
    // Every request has a waiting tab unless a test says otherwise, so limits refuse instead of evicting.
    hasWaitingTab: overrides.hasWaitingTab ?? (() => true),
    idleExpiryMs: overrides.idleExpiryMs ?? null,
  });
  const events: PairingEvent[] = [];
  service.events.subscribe((e) => events.push(e));
  return { service, store, clock, events };
}

export interface Challenge {
  gatewayId: string;
  nonce: string;
  origin: string;
}

export interface HelloOptions {
  signedAtMs: number;
  /** What the signature covers, when a test wants it to differ from the challenge. */
  signOver?: Partial<Challenge & { publicKeyB64u: string; signedAtMs: number }>;
  protocol?: number;
  name?: string;
  userAgent?: string;
  keyStorage?: HelloFrame["keyStorage"];
  invite?: string;
}

/** A hello frame from `key` answering `challenge`, signed exactly as the dashboard signs it. */
export function signHello(key: TestKey, challenge: Challenge, opts: HelloOptions): HelloFrame {
  const signed = buildSignedBytes({
    gatewayId: opts.signOver?.gatewayId ?? challenge.gatewayId,
    nonce: opts.signOver?.nonce ?? challenge.nonce,
    origin: opts.signOver?.origin ?? challenge.origin,
    publicKeyB64u: opts.signOver?.publicKeyB64u ?? key.publicKeyB64u,
    signedAtMs: opts.signOver?.signedAtMs ?? opts.signedAtMs,
  });
  return {
    type: "hello",
    protocol: opts.protocol ?? PROTOCOL_VERSION,
    publicKey: key.publicKeyB64u,
    signedAtMs: opts.signedAtMs,
    signature: encodeB64u(key.sign(signed)),
    keyStorage: opts.keyStorage ?? "webcrypto",
    client: { name: opts.name ?? "Test browser", userAgent: opts.userAgent ?? "Mozilla/5.0 (X11; Linux x86_64) Chrome/156" },
    ...(opts.invite !== undefined ? { invite: opts.invite } : {}),
  };
}

/** A fresh challenge context as the connection would hand it to the service. */
export function helloContext(clock: ManualClock, address = "192.168.1.5", networkClass: NetworkClass = "private"): HelloContext {
  return {
    gatewayId: encodeB64u(randomBytes(16)),
    nonce: encodeB64u(randomBytes(32)),
    nonceExpiresAtMs: clock.now() + 30 * SECOND,
    origin: ORIGIN,
    seenFrom: { address, networkClass },
  };
}
