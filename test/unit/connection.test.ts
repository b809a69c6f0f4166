// The connection state machine (server/src/gateway/connection.ts) driven through an in-memory socket, with a
// PairingService over a MemoryStore, the real session hub and RPC dispatcher, a manual clock and manual timers:
// no network and no sleeps. Every frame the gateway sends is parsed with the shared schema before it is checked.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeB64u, encodeB64u, ERRORS, PROTOCOL_VERSION, type ErrorCode, type ErrorFrame, type HelloFrame } from "../../shared/index.js";
import { Connection, type ConnectionDeps } from "../../server/src/gateway/connection.js";
import { createRpcDispatcher } from "../../server/src/gateway/rpc-handlers.js";
import { SessionHub } from "../../server/src/gateway/session-hub.js";
import { TicketBook } from "../../server/src/sessions/tickets.js";
import type { Actor } from "../../server/src/pairing/pairing-service.js";
import { DEFAULT_SESSION_IDLE_MS, DEFAULT_SESSION_MAX_AGE_MS, SessionRegistry } from "../../server/src/sessions/session-registry.js";
import { makeTestKey, type TestKey } from "../support/test-key.js";
import {
  createService,
  ManualTimers,
  MINUTE,
  ORIGIN,
  RecordingSocket,
  SECOND,
  settle,
  signHello,
  T0,
  type HelloOptions,
  type ServiceHarness,
} from "../support/pairing-harness.js";

const CLI: Actor = { name: "cli", via: "cli" };
const GATEWAY = { name: "test-gateway", version: "0.1.0" };

interface Refused {
  code: ErrorCode;
  reason: string;
}

function createGateway(opts: { requestBurst?: number; requestsPerSecond?: number; dispatch?: ConnectionDeps["dispatch"] } = {}) {
  const h: ServiceHarness = createService();
  const timers = new ManualTimers(h.clock);
  const internalErrors: unknown[] = [];
  const hub = new SessionHub(h.store, h.clock.now, timers, (err) => internalErrors.push(err));
  h.service.events.subscribe((e) => hub.handle(e));
  const gatewayId = encodeB64u(randomBytes(16));
  const dispatch = createRpcDispatcher({
    service: h.service,
    store: h.store,
    hub,
    tickets: new TicketBook({ store: h.store, now: h.clock.now, randomBytes: (n) => new Uint8Array(randomBytes(n)) }),
    sessions: new SessionRegistry({
      store: h.store,
      now: h.clock.now,
      randomBytes,
      idleMs: DEFAULT_SESSION_IDLE_MS,
      maxAgeMs: DEFAULT_SESSION_MAX_AGE_MS,
      onError: (err) => internalErrors.push(err),
    }),
    now: h.clock.now,
    gateway: { ...GATEWAY, gatewayId, startedAtMs: T0 },
    publicUrl: "http://127.0.0.1:8420",
  });
  const refused: Refused[] = [];
  const deps: ConnectionDeps = {
    service: h.service,
    gatewayId,
    gateway: GATEWAY,
    now: h.clock.now,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    timers,
    requestLimits: { requestsPerSecond: opts.requestsPerSecond ?? 20, requestBurst: opts.requestBurst ?? 60 },
    approveCommand: (code) => `npx pairgate devices approve ${code}`,
    dispatch: opts.dispatch ?? dispatch,
    onPending: (c, request) => hub.addPending(c, request.id),
    onAuthenticated: (c, device) => ({ online: hub.addAuthenticated(c, device) }),
    onRefused: (_c, code, reason) => refused.push({ code, reason }),
    onClosed: (c) => hub.remove(c),
    onInternalError: (err) => internalErrors.push(err),
  };

  /** Opens a connection as ws-server does after a successful upgrade, and returns it with its challenge. */
  function open(info: { origin?: string; address?: string } = {}) {
    const socket = new RecordingSocket();
    const address = info.address ?? "192.168.1.5";
    const conn = new Connection(socket, { seenFrom: { address, networkClass: "private" }, origin: info.origin ?? ORIGIN }, deps);
    conn.start();
    const challenge = socket.last("challenge");
    const helloFor = (key: TestKey, o: Partial<HelloOptions> = {}): HelloFrame =>
      signHello(key, { gatewayId: challenge.gatewayId, nonce: challenge.nonce, origin: info.origin ?? ORIGIN }, { signedAtMs: h.clock.now(), ...o });
    return {
      conn,
      socket,
      challenge,
      helloFor,
      /** Sends a signed hello and lets the async verification finish. */
      async hello(key: TestKey, o: Partial<HelloOptions> = {}) {
        conn.handleMessage(JSON.stringify(helloFor(key, o)));
        await settle();
      },
      async send(frame: unknown) {
        conn.handleMessage(typeof frame === "string" ? frame : JSON.stringify(frame));
        await settle();
      },
    };
  }

  /** Pairs `key` through the CLI so its next hello gets welcome. */
  async function pair(key: TestKey, role: "admin" | "viewer" = "admin") {
    const c = open();
    await c.hello(key);
    const pairing = c.socket.last("pairing");
    await h.service.approve({ code: pairing.request.code, role }, CLI);
    await settle();
    c.conn.handleClosed();
  }

  return { ...h, timers, hub, open, pair, refused, internalErrors, gatewayId };
}

function expectRejected(socket: RecordingSocket, code: ErrorCode): ErrorFrame {
  const error = socket.last("error");
  expect(error.code).toBe(code);
  expect(socket.closed).toEqual({ code: ERRORS[code].close, reason: code });
  expect(socket.frames.at(-1)).toEqual(error); // nothing after the error frame
  return error;
}

describe("challenge", () => {
  it("sends a challenge with protocol 1, the gateway id, a fresh 32-byte nonce and a 30 s expiry on start", () => {
    const g = createGateway();
    const a = g.open();
    const b = g.open();
    expect(a.challenge).toMatchObject({ type: "challenge", protocol: PROTOCOL_VERSION, gatewayId: g.gatewayId, expiresAtMs: T0 + 30 * SECOND });
    expect(decodeB64u(a.challenge.nonce)).toHaveLength(32);
    expect(b.challenge.nonce).not.toBe(a.challenge.nonce);
    expect(a.socket.frames).toHaveLength(1);
    expect(a.conn.state).toBe("challenged");
  });
});

describe("hello", () => {
  it("answers a valid hello from an unknown key with a pairing frame and keeps the socket open", async () => {
    const g = createGateway();
    const key = makeTestKey();
    const c = g.open({ address: "172.18.0.1" });
    await c.hello(key);
    const pairing = c.socket.last("pairing");
    expect(pairing.request.code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(pairing.request).toMatchObject({
      fingerprint: key.fingerprint,
      expiresAtMs: T0 + 10 * MINUTE,
      seenFrom: { address: "172.18.0.1", networkClass: "private" },
    });
    expect(pairing.approveCommand).toBe(`npx pairgate devices approve ${pairing.request.code}`);
    expect(pairing.gateway).toEqual(GATEWAY);
    expect(c.socket.closed).toBeNull();
    expect(c.conn.state).toBe("pending");
  });

  it("welcomes a paired key with its device view and role", async () => {
    const g = createGateway();
    const key = makeTestKey();
    await g.pair(key, "viewer");
    const c = g.open();
    await c.hello(key);
    const welcome = c.socket.last("welcome");
    expect(welcome).toMatchObject({ role: "viewer", gateway: GATEWAY, device: { id: key.deviceId, fingerprint: key.fingerprint, current: true, online: 1 } });
    expect(c.conn.state).toBe("authenticated");
    expect(c.socket.closed).toBeNull();
  });

  it("does not time out once the hello is answered, paired or pending", async () => {
    const g = createGateway();
    const paired = makeTestKey();
    await g.pair(paired);
    const a = g.open();
    await a.hello(paired);
    const b = g.open();
    await b.hello(makeTestKey());
    g.timers.advance(60 * SECOND);
    expect(a.socket.closed).toBeNull();
    expect(b.socket.closed).toBeNull();
  });
});

describe("malformed frames", () => {
  it("closes with bad_frame 4400 on text that is not JSON", async () => {
    const g = createGateway();
    const c = g.open();
    await c.send("{not json");
    expectRejected(c.socket, "bad_frame");
    expect(g.refused).toEqual([expect.objectContaining({ code: "bad_frame" })]);
  });

  it("closes with bad_frame 4400 on JSON that fails the schema", async () => {
    for (const frame of [
      { type: "hello" },
      { type: "nope" },
      [],
      "text",
      { ...makeHelloShape(), signature: undefined },
      { ...makeHelloShape(), extra: 1, keyStorage: "tpm" },
    ]) {
      const g = createGateway();
      const c = g.open();
      await c.send(frame);
      expectRejected(c.socket, "bad_frame");
    }
  });

  it("closes with bad_frame 4400 when a req arrives before authentication", async () => {
    const g = createGateway();
    const c = g.open();
    await c.send({ type: "req", id: "1", method: "gateway.status" });
    expectRejected(c.socket, "bad_frame");
  });

  it("closes with bad_frame 4400 when a waiting browser sends a req", async () => {
    const g = createGateway();
    const c = g.open();
    await c.hello(makeTestKey());
    await c.send({ type: "req", id: "1", method: "gateway.status" });
    expectRejected(c.socket, "bad_frame");
  });

  it("closes with bad_frame 4400 for a public key of the wrong length", async () => {
    const g = createGateway();
    const key = makeTestKey();
    const c = g.open();
    await c.send({ ...c.helloFor(key), publicKey: encodeB64u(new Uint8Array(31)) });
    expectRejected(c.socket, "bad_frame");
    const d = g.open();
    await d.send({ ...d.helloFor(key), publicKey: encodeB64u(new Uint8Array(33)) });
    expectRejected(d.socket, "bad_frame");
  });

  it("closes with bad_frame 4400 for a public key or signature that is not canonical base64url", async () => {
    const g = createGateway();
    const key = makeTestKey();
    const nonCanonical = (b64u: string) => {
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      return b64u.slice(0, -1) + alphabet[alphabet.indexOf(b64u.at(-1)!) ^ 1]!; // flips an unused trailing bit
    };
    const c = g.open();
    const hello = c.helloFor(key);
    expect(Buffer.from(nonCanonical(hello.publicKey), "base64url")).toEqual(Buffer.from(key.publicKey));
    await c.send({ ...hello, publicKey: nonCanonical(hello.publicKey) });
    expectRejected(c.socket, "bad_frame");
    const d = g.open();
    const other = d.helloFor(key);
    await d.send({ ...other, signature: nonCanonical(other.signature) });
    expectRejected(d.socket, "bad_frame");
  });
});

describe("handshake refusals", () => {
  it("closes with protocol_mismatch 4409 for a hello with another protocol version", async () => {
    const g = createGateway();
    const c = g.open();
    await c.hello(makeTestKey(), { protocol: PROTOCOL_VERSION + 1 });
    expectRejected(c.socket, "protocol_mismatch");
  });

  it("closes with handshake_timeout 4408 when no hello comes within 10 s", () => {
    const g = createGateway();
    const c = g.open();
    g.timers.advance(10 * SECOND - 1);
    expect(c.socket.closed).toBeNull();
    g.timers.advance(1);
    expectRejected(c.socket, "handshake_timeout");
    expect(c.conn.state).toBe("closed");
  });

  it("refuses a hello after the nonce expired with auth_failed 4401", async () => {
    const g = createGateway();
    const c = g.open();
    g.clock.advance(31 * SECOND); // the clock only: no timer runs, so this is the nonce check, not the deadline
    await c.hello(makeTestKey());
    expectRejected(c.socket, "auth_failed");
  });

  it("refuses a signedAtMs 3 minutes off the gateway's clock, either way, with auth_failed 4401", async () => {
    for (const offset of [-3 * MINUTE, 3 * MINUTE]) {
      const g = createGateway();
      const c = g.open();
      await c.hello(makeTestKey(), { signedAtMs: T0 + offset });
      expectRejected(c.socket, "auth_failed");
    }
  });

  it("accepts a signedAtMs exactly 2 minutes off", async () => {
    for (const offset of [-2 * MINUTE, 2 * MINUTE]) {
      const g = createGateway();
      const c = g.open();
      await c.hello(makeTestKey(), { signedAtMs: T0 + offset });
      expect(c.socket.last("pairing").type).toBe("pairing");
    }
  });

  const forgeries: Array<[string, Partial<HelloOptions>["signOver"]]> = [
    ["another nonce", { nonce: encodeB64u(randomBytes(32)) }],
    ["another gateway id", { gatewayId: encodeB64u(randomBytes(16)) }],
    ["another origin", { origin: "http://evil.example" }],
    ["no origin while the browser sent one", { origin: "" }],
    ["another signedAtMs", { signedAtMs: T0 + 1 }],
    ["another public key", { publicKeyB64u: makeTestKey().publicKeyB64u }],
  ];
  for (const [what, signOver] of forgeries) {
    it(`refuses a signature over ${what} with auth_failed 4401`, async () => {
      const g = createGateway();
      const c = g.open();
      await c.hello(makeTestKey(), { signOver });
      expectRejected(c.socket, "auth_failed");
      expect(await g.store.listLivePending(g.clock.now())).toEqual([]);
    });
  }

  it("binds the signature to the Origin header: a client that sent none must sign the empty origin", async () => {
    const g = createGateway();
    const c = g.open({ origin: "" });
    await c.hello(makeTestKey());
    expect(c.socket.last("pairing").type).toBe("pairing");
    const d = g.open({ origin: "" });
    await d.hello(makeTestKey(), { signOver: { origin: ORIGIN } });
    expectRejected(d.socket, "auth_failed");
  });

  it("uses a nonce once: a second hello on the same connection is refused", async () => {
    const g = createGateway();
    const key = makeTestKey();
    const c = g.open();
    const hello = JSON.stringify(c.helloFor(key));
    c.conn.handleMessage(hello);
    c.conn.handleMessage(hello); // while the first is still being verified
    await settle();
    expectRejected(c.socket, "bad_frame");
    expect(c.socket.frames.map((f) => f.type)).toEqual(["challenge", "error"]);
  });

  it("refuses a second hello after the first was answered", async () => {
    const g = createGateway();
    const key = makeTestKey();
    await g.pair(key);
    const c = g.open();
    const hello = c.helloFor(key);
    await c.send(hello);
    expect(c.socket.last("welcome").type).toBe("welcome");
    await c.send(hello);
    expectRejected(c.socket, "bad_frame");
  });

  it("refuses a hello replayed on another connection with auth_failed 4401", async () => {
    const g = createGateway();
    const key = makeTestKey();
    await g.pair(key);
    const first = g.open();
    const hello = first.helloFor(key);
    await first.send(hello);
    expect(first.socket.last("welcome").type).toBe("welcome");
    const second = g.open();
    await second.send(hello);
    expectRejected(second.socket, "auth_failed");
  });

  it("closes a revoked key with device_revoked 4410 and says who removed it and when", async () => {
    const g = createGateway();
    const key = makeTestKey();
    await g.pair(key);
    g.clock.advance(5 * SECOND);
    await g.service.revoke(key.deviceId, { name: "Alice", via: "dashboard" });
    const c = g.open();
    await c.hello(key);
    const error = expectRejected(c.socket, "device_revoked");
    expect(error.revoked).toEqual({ byName: "Alice", atMs: T0 + 5 * SECOND, reason: "revoked" });
    expect(error.message).toContain("Alice");
  });

  it("closes with pending_limit 4429 when the address already has 3 requests waiting", async () => {
    const g = createGateway();
    for (let i = 0; i < 3; i++) await g.open({ address: "203.0.113.9" }).hello(makeTestKey());
    const c = g.open({ address: "203.0.113.9" });
    await c.hello(makeTestKey());
    expect(expectRejected(c.socket, "pending_limit").retryAfterMs).toBeGreaterThan(0);
  });
});

describe("waiting for approval", () => {
  it("promotes a pending connection to welcome on the same socket when its code is approved", async () => {
    const g = createGateway();
    const key = makeTestKey();
    const c = g.open();
    await c.hello(key);
    const code = c.socket.last("pairing").request.code;
    await g.service.approve({ code, role: "admin" }, CLI);
    const welcome = c.socket.last("welcome");
    expect(welcome).toMatchObject({ role: "admin", device: { id: key.deviceId, approvedVia: "cli", current: true, online: 1 } });
    expect(c.conn.state).toBe("authenticated");
    await c.send({ type: "req", id: "s1", method: "gateway.status" });
    expect(c.socket.last("res")).toMatchObject({ id: "s1", ok: true, result: { name: "test-gateway", seenFrom: { address: "192.168.1.5" } } });
  });

  it("closes a pending connection with pairing_rejected 4411 when an admin rejects it", async () => {
    const g = createGateway();
    const c = g.open();
    await c.hello(makeTestKey());
    await g.service.reject({ requestId: c.socket.last("pairing").request.id }, CLI);
    expectRejected(c.socket, "pairing_rejected");
  });

  it("closes a pending connection with pairing_expired 4412 after 10 minutes", async () => {
    const g = createGateway();
    const c = g.open();
    await c.hello(makeTestKey());
    g.timers.advance(10 * MINUTE);
    await g.service.expireDue();
    expectRejected(c.socket, "pairing_expired");
  });

  it("promotes every waiting socket of the same key, and only those", async () => {
    const g = createGateway();
    const key = makeTestKey();
    const [a, b] = [g.open(), g.open()];
    await a.hello(key);
    await b.hello(key);
    const bystander = g.open();
    await bystander.hello(makeTestKey());
    await g.service.approve({ code: a.socket.last("pairing").request.code, role: "viewer" }, CLI);
    expect(a.socket.last("welcome").device.id).toBe(key.deviceId);
    expect(b.socket.last("welcome").device.id).toBe(key.deviceId);
    expect(bystander.socket.frames.map((f) => f.type)).toEqual(["challenge", "pairing"]);
  });
});

describe("after authentication", () => {
  async function authenticated(role: "admin" | "viewer" = "admin", opts?: Parameters<typeof createGateway>[0]) {
    const g = createGateway(opts);
    const key = makeTestKey();
    await g.pair(key, role);
    const c = g.open();
    await c.hello(key);
    expect(c.socket.last("welcome").role).toBe(role);
    return { g, c, key };
  }

  it("answers requests with res frames and RPC refusals with ok:false, keeping the socket open", async () => {
    const { c } = await authenticated("viewer");
    await c.send({ type: "req", id: "a", method: "devices.list" });
    expect(c.socket.last("res")).toEqual({ type: "res", id: "a", ok: false, error: { code: "forbidden", message: ERRORS.forbidden.message } });
    await c.send({ type: "req", id: "b", method: "no.such.method" });
    expect(c.socket.last("res")).toMatchObject({ id: "b", ok: false, error: { code: "not_found" } });
    expect(c.socket.closed).toBeNull();
  });

  it("limits the rate of req frames with rate_limited 4429 once the burst is spent", async () => {
    const { c } = await authenticated("admin", { requestBurst: 5, requestsPerSecond: 2 });
    for (let i = 0; i < 5; i++) c.conn.handleMessage(JSON.stringify({ type: "req", id: `r${i}`, method: "gateway.status" }));
    await settle();
    expect(c.socket.frames.filter((f) => f.type === "res")).toHaveLength(5);
    expect(c.socket.closed).toBeNull();
    c.conn.handleMessage(JSON.stringify({ type: "req", id: "r5", method: "gateway.status" }));
    await settle();
    expect(expectRejected(c.socket, "rate_limited").retryAfterMs).toBe(1000);
  });

  it("refills the request budget with time", async () => {
    const { g, c } = await authenticated("admin", { requestBurst: 5, requestsPerSecond: 2 });
    for (let i = 0; i < 5; i++) await c.send({ type: "req", id: `r${i}`, method: "gateway.status" });
    g.clock.advance(SECOND);
    await c.send({ type: "req", id: "r5", method: "gateway.status" });
    await c.send({ type: "req", id: "r6", method: "gateway.status" });
    expect(c.socket.closed).toBeNull();
    await c.send({ type: "req", id: "r7", method: "gateway.status" });
    expectRejected(c.socket, "rate_limited");
  });

  it("closes every socket of a device with device_revoked 4410 right after the device.revoked event", async () => {
    const { g, c, key } = await authenticated("admin");
    const second = g.open();
    await second.hello(key);
    g.clock.advance(SECOND);
    await g.service.revoke(key.deviceId, { name: "Alice", via: "dashboard" });
    for (const s of [c.socket, second.socket]) {
      const types = s.frames.map((f) => f.type);
      expect(types.slice(-2)).toEqual(["event", "error"]);
      expect(s.frames.at(-2)).toMatchObject({ event: "device.revoked", data: { deviceId: key.deviceId, byName: "Alice", atMs: T0 + SECOND } });
      expect(expectRejected(s, "device_revoked").revoked).toEqual({ byName: "Alice", atMs: T0 + SECOND, reason: "revoked" });
    }
  });

  it("hands every request on a socket the same abort signal, aborted when that socket closes", async () => {
    const signals: AbortSignal[] = [];
    const dispatch: ConnectionDeps["dispatch"] = async (caller) => {
      if (caller.kind === "device" && caller.signal) signals.push(caller.signal);
      return {};
    };
    const { g, c, key } = await authenticated("viewer", { dispatch });
    const other = g.open();
    await other.hello(key);
    for (const s of [c, c, other]) await s.send({ type: "req", id: "r", method: "my.method" });
    expect(signals).toHaveLength(3);
    expect(signals[1]).toBe(signals[0]);
    expect(signals[2]).not.toBe(signals[0]); // made per socket, on its first request
    c.conn.handleClosed();
    expect(signals.map((s) => s.aborted)).toEqual([true, true, false]);
    other.conn.reject("device_revoked");
    expect(signals[2]!.aborted).toBe(true);
  });

  it("closes cleanly a socket that never sent a request (no abort signal was ever made)", async () => {
    const { c, g } = await authenticated("viewer");
    c.conn.handleClosed();
    expect(c.conn.state).toBe("closed");
    expect(g.hub.onlineCount(c.socket.last("welcome").device.id)).toBe(0);
    expect(g.internalErrors).toEqual([]);
  });

  it("ignores frames that arrive after the connection closed", async () => {
    const { c } = await authenticated("admin");
    c.conn.handleClosed();
    const before = c.socket.sent.length;
    await c.send({ type: "req", id: "late", method: "gateway.status" });
    await c.send("garbage");
    expect(c.socket.sent.length).toBe(before);
    expect(c.conn.state).toBe("closed");
  });
});

describe("internal errors", () => {
  it("closes with internal 1011 and reports the error when the store fails during the handshake", async () => {
    const g = createGateway();
    const failure = new Error("disk is gone");
    g.store.getDevice = async () => {
      throw failure;
    };
    const c = g.open();
    await c.hello(makeTestKey());
    const error = expectRejected(c.socket, "internal");
    expect(error.message).not.toContain("disk is gone"); // details go to the log, not to the client
    expect(g.internalErrors).toEqual([failure]);
  });

  it("answers ok:false internal to a request whose handler fails, and keeps the socket open", async () => {
    const g = createGateway();
    const key = makeTestKey();
    await g.pair(key);
    const c = g.open();
    await c.hello(key);
    g.store.countDevices = async () => {
      throw new Error("disk is gone");
    };
    await c.send({ type: "req", id: "x", method: "gateway.status" });
    expect(c.socket.last("res")).toEqual({ type: "res", id: "x", ok: false, error: { code: "internal", message: ERRORS.internal.message } });
    expect(c.socket.closed).toBeNull();
    expect(g.internalErrors).toHaveLength(1);
  });
});

describe("closing mid-handshake", () => {
  it("sends nothing when the socket closes while the hello is being verified", async () => {
    const g = createGateway();
    const key = makeTestKey();
    await g.pair(key);
    const c = g.open();
    c.conn.handleMessage(JSON.stringify(c.helloFor(key)));
    c.conn.handleClosed();
    await settle();
    expect(c.socket.frames.map((f) => f.type)).toEqual(["challenge"]);
    expect(g.hub.onlineCount(key.deviceId)).toBe(0);
    expect(g.internalErrors).toEqual([]);
  });

  it("does not register a socket as waiting when it closed while an unknown key was being verified", async () => {
    const g = createGateway();
    const c = g.open();
    c.conn.handleMessage(JSON.stringify(c.helloFor(makeTestKey())));
    c.conn.handleClosed();
    await settle();
    const [request] = await g.store.listLivePending(g.clock.now());
    expect(request).toBeDefined(); // still approvable while the browser is away (docs/design.md#pairing)
    expect(g.hub.isRequestOnline(request!.id)).toBe(false);
    expect(c.conn.state).toBe("closed");
    expect(c.socket.frames.map((f) => f.type)).toEqual(["challenge"]);
  });

  it("cancels the handshake deadline when the socket closes", () => {
    const g = createGateway();
    const c = g.open();
    c.conn.handleClosed();
    g.timers.advance(HANDSHAKE_MS);
    expect(c.socket.sent).toHaveLength(1);
    expect(g.refused).toEqual([]);
  });
});

const HANDSHAKE_MS = 10 * SECOND;

/** A schema-valid hello shape for the malformed-frame cases (the signature doesn't matter there). */
function makeHelloShape(): HelloFrame {
  return {
    type: "hello",
    protocol: PROTOCOL_VERSION,
    publicKey: encodeB64u(new Uint8Array(32)),
    signedAtMs: T0,
    signature: encodeB64u(new Uint8Array(64)),
    keyStorage: "webcrypto",
    client: { name: "x", userAgent: "y" },
  };
}
