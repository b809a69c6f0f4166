// The gateway client's state machine, driven by a fake gateway on a fake socket and a manual clock:
// the hello it signs, pending → paired on one socket, revocation, invite fallback, backoff and RPC.
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeB64u } from "../../../shared/encoding/b64u.js";
import { buildSignedBytes } from "../../../shared/pairing/signed-payload.js";
import { PROTOCOL_VERSION } from "../../../shared/protocol/version.js";
import { loadDeviceKey, replaceDeviceKey, type DeviceKeyResult } from "../../../web/src/device-key/device-key.js";
import type { GatewayCallError } from "../../../web/src/gateway/call-error.js";
import { GatewayClient, type GatewayClientDeps } from "../../../web/src/gateway/gateway-client.js";
import {
  challenge,
  deviceView,
  fakeNetwork,
  ManualClock,
  memoryKeyStore,
  NONCE,
  OTHER_NONCE,
  pairingFrame,
  welcomeFrame,
  type FakeSocket,
} from "../../support/web-client.js";

ed.hashes.sha512 = sha512;

const ORIGIN = "http://172.18.0.2:8420";
/** Generous: the first test pays for importing zod and noble on a shared, busy machine. */
const WAIT = { timeout: 10_000 };

beforeAll(async () => {
  await Promise.all([import("../../../web/src/gateway/protocol.js"), import("../../../web/src/device-key/software-ed25519.js")]);
});
const clients: GatewayClient[] = [];
afterEach(() => clients.splice(0).forEach((client) => client.dispose()));

function setup(overrides: Partial<GatewayClientDeps> & { subtle?: SubtleCrypto | undefined } = {}) {
  const clock = new ManualClock();
  const network = fakeNetwork();
  const store = memoryKeyStore();
  const keyEnv = { store, subtle: "subtle" in overrides ? overrides.subtle : globalThis.crypto.subtle, now: clock.now };
  const client = new GatewayClient({
    url: "ws://172.18.0.2:8420/ws",
    origin: ORIGIN,
    openSocket: network.openSocket,
    loadProtocol: () => import("../../../web/src/gateway/protocol.js"),
    loadKey: () => loadDeviceKey(keyEnv),
    replaceKey: () => replaceDeviceKey(keyEnv),
    client: { name: "Chrome on Linux", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0" },
    now: clock.now,
    random: () => 0.5,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    ...overrides,
  });
  clients.push(client);
  const status = () => client.getSnapshot().state.status;
  /** Plays the gateway's challenge and returns the hello the client answered with. */
  const handshake = async (socket: FakeSocket = network.last(), nonce = NONCE) => {
    const before = socket.sent.length;
    socket.deliver(challenge(clock.nowMs, nonce));
    await vi.waitFor(() => expect(socket.sent.length).toBe(before + 1), WAIT);
    return socket.sentFrames()[before]!;
  };
  return { client, clock, network, store, status, handshake };
}

describe("gateway client handshake", () => {
  it.each([
    ["a WebCrypto key", globalThis.crypto.subtle, "webcrypto"],
    ["a software key (no crypto.subtle)", undefined, "software"],
  ] as const)("answers the challenge with a hello whose signature over the shared signed bytes verifies, using %s", async (_label, subtle, keyStorage) => {
    const { client, handshake } = setup({ subtle });
    client.start();
    const hello = await handshake();
    expect(hello).toMatchObject({ type: "hello", protocol: PROTOCOL_VERSION, keyStorage, client: { name: "Chrome on Linux" } });
    expect(hello).not.toHaveProperty("invite");
    const publicKey = decodeB64u(hello.publicKey as string)!;
    const signedBytes = buildSignedBytes({
      gatewayId: "AAECAwQFBgcICQoLDA0ODw",
      nonce: NONCE,
      origin: ORIGIN,
      publicKeyB64u: hello.publicKey as string,
      signedAtMs: hello.signedAtMs as number,
    });
    expect(ed.verify(decodeB64u(hello.signature as string)!, signedBytes, publicKey)).toBe(true);
    // The same signature must not verify for another nonce: it is bound to this socket's challenge.
    const otherBytes = buildSignedBytes({
      gatewayId: "AAECAwQFBgcICQoLDA0ODw",
      nonce: OTHER_NONCE,
      origin: ORIGIN,
      publicKeyB64u: hello.publicKey as string,
      signedAtMs: hello.signedAtMs as number,
    });
    expect(ed.verify(decodeB64u(hello.signature as string)!, otherBytes, publicKey)).toBe(false);
  });

  it("handles frames that arrive before the protocol module has loaded, in their order", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { client, network, clock, status } = setup({
      loadProtocol: async () => {
        await gate;
        return import("../../../web/src/gateway/protocol.js");
      },
    });
    client.start();
    const socket = network.last();
    socket.deliver(challenge(clock.nowMs));
    expect(socket.sent).toHaveLength(0);
    release();
    await vi.waitFor(() => expect(socket.sent).toHaveLength(1), WAIT);
    socket.deliver(pairingFrame(clock.nowMs));
    expect(status()).toBe("pending");
  });
});

describe("pairing", () => {
  it("shows the pending request, then turns paired on the same socket when the welcome is pushed", async () => {
    const onPaired = vi.fn();
    const { client, network, clock, status, handshake } = setup({ onPaired });
    client.start();
    await handshake();
    network.last().deliver(pairingFrame(clock.nowMs));
    const pending = client.getSnapshot().state;
    expect(pending).toMatchObject({
      status: "pending",
      request: { code: "BCDFGHJK", fingerprint: "KZDV-VJ2U" },
      approveCommand: "npx pairgate devices approve BCDF-GHJK",
    });

    clock.advance(60_000); // a minute of waiting: no polling, no new sockets, no timers firing requests
    expect(network.sockets).toHaveLength(1);
    expect(network.last().sent).toHaveLength(1);

    network.last().deliver(welcomeFrame(deviceView({ name: "Desk Chrome" })));
    expect(status()).toBe("paired");
    expect(client.getSnapshot().state).toMatchObject({ device: { name: "Desk Chrome" }, role: "admin" });
    expect(client.getSnapshot().sessionEpoch).toBe(1);
    expect(network.sockets).toHaveLength(1);
    expect(onPaired).toHaveBeenCalledTimes(1); // where the browser asks navigator.storage.persist()
  });

  it("reconnects at once when a pending socket drops, keeps showing the code meanwhile, and signs the new nonce", async () => {
    const { client, network, clock, handshake } = setup();
    client.start();
    await handshake();
    network.last().deliver(pairingFrame(clock.nowMs));
    network.last().drop(1006);
    expect(network.sockets).toHaveLength(2);
    expect(client.getSnapshot().state).toMatchObject({ status: "connecting", resume: { status: "pending", request: { code: "BCDFGHJK" } } });
    const hello = await handshake(network.last(), OTHER_NONCE);
    expect(hello.type).toBe("hello");
    network.last().deliver(pairingFrame(clock.nowMs));
    expect(client.getSnapshot().state).toMatchObject({ status: "pending", request: { id: "req-1" } });
  });

  it("shows rejected and offers request again, which reconnects with the same key", async () => {
    const { client, network, clock, status, handshake } = setup();
    client.start();
    const firstHello = await handshake();
    network.last().deliver(pairingFrame(clock.nowMs));
    network.last().deliver({ type: "error", code: "pairing_rejected", message: "rejected" });
    network.last().drop(4411);
    expect(status()).toBe("rejected");
    expect(client.getSnapshot()).toMatchObject({ lastErrorCode: "pairing_rejected", lastCloseCode: 4411 });
    clock.advance(120_000);
    expect(network.sockets).toHaveLength(1); // a terminal state does not reconnect by itself

    client.requestAgain();
    expect(network.sockets).toHaveLength(2);
    const secondHello = await handshake(network.last(), OTHER_NONCE);
    expect(secondHello.publicKey).toBe(firstHello.publicKey);
  });
});

describe("superseded", () => {
  it("stops, without reconnecting, when a newer tab of this browser takes its place (even with only the close code)", async () => {
    for (const withFrame of [true, false]) {
      const { client, network, clock, status, handshake } = setup();
      client.start();
      await handshake();
      network.last().deliver(pairingFrame(clock.nowMs));
      if (withFrame) network.last().deliver({ type: "error", code: "superseded", message: "newer tab" });
      network.last().drop(4414);
      expect([withFrame, status()]).toEqual([withFrame, "failed"]);
      expect(client.getSnapshot()).toMatchObject({ lastErrorCode: "superseded", lastCloseCode: 4414 });
      clock.advance(120_000);
      expect(network.sockets).toHaveLength(1); // reconnecting would close the newer tab, and so on for ever
    }
  });
});

describe("revocation", () => {
  it("shows who revoked this browser and when, with the close code, and stays there", async () => {
    const { client, network, clock, status, handshake } = setup();
    client.start();
    await handshake();
    network.last().deliver(welcomeFrame());
    network.last().deliver({ type: "event", event: "device.revoked", data: { deviceId: "a".repeat(64), byName: "Admin laptop", atMs: 1_764_028_900_000 } });
    network.last().deliver({ type: "error", code: "device_revoked", message: "removed", revoked: { byName: "Admin laptop", atMs: 1_764_028_900_000 } });
    network.last().drop(4410);
    expect(client.getSnapshot().state).toEqual({ status: "revoked", byName: "Admin laptop", atMs: 1_764_028_900_000, reason: "revoked" });
    expect(client.getSnapshot()).toMatchObject({ lastErrorCode: "device_revoked", lastCloseCode: 4410 });
    clock.advance(300_000);
    expect(network.sockets).toHaveLength(1);
    expect(status()).toBe("revoked");
  });

  it("still shows revoked, from the event's byName, when only the close code 4410 arrives", async () => {
    const { client, network, handshake } = setup();
    client.start();
    await handshake();
    network.last().deliver(welcomeFrame());
    network.last().deliver({ type: "event", event: "device.revoked", data: { deviceId: "a".repeat(64), byName: "Sam", atMs: 5 } });
    network.last().drop(4410);
    expect(client.getSnapshot().state).toEqual({ status: "revoked", byName: "Sam", atMs: 5, reason: "revoked" });
  });

  it("keeps the reason expired from the error frame, or from the event when only the close code arrives", async () => {
    const first = setup();
    first.client.start();
    await first.handshake();
    first.network.last().deliver(welcomeFrame());
    first.network.last().deliver({ type: "error", code: "device_revoked", message: "expired", revoked: { byName: "gateway", atMs: 7, reason: "expired" } });
    first.network.last().drop(4410);
    expect(first.client.getSnapshot().state).toEqual({ status: "revoked", byName: "gateway", atMs: 7, reason: "expired" });

    const second = setup();
    second.client.start();
    await second.handshake();
    second.network.last().deliver(welcomeFrame());
    second.network
      .last()
      .deliver({ type: "event", event: "device.revoked", data: { deviceId: "a".repeat(64), byName: "gateway", atMs: 8, reason: "expired" } });
    second.network.last().drop(4410);
    expect(second.client.getSnapshot().state).toEqual({ status: "revoked", byName: "gateway", atMs: 8, reason: "expired" });
  });

  it("pairs again with a new key after a revoke", async () => {
    const { client, network, clock, store, handshake } = setup();
    client.start();
    const oldHello = await handshake();
    network.last().deliver(welcomeFrame());
    network.last().deliver({ type: "error", code: "device_revoked", message: "removed", revoked: { byName: "Sam", atMs: 5 } });
    const oldRecord = store.value;

    client.pairAgain();
    const newHello = await handshake(network.last(), OTHER_NONCE);
    expect(newHello.publicKey).not.toBe(oldHello.publicKey);
    expect(store.value).not.toBe(oldRecord);
    network.last().deliver(pairingFrame(clock.nowMs, "ZXWVTSRQ"));
    expect(client.getSnapshot().state).toMatchObject({ status: "pending", request: { code: "ZXWVTSRQ" } });
  });
});

describe("invites", () => {
  it("sends the invite token in the first hello only", async () => {
    const { client, network, handshake } = setup({ invite: "dG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9r" });
    client.start();
    expect((await handshake()).invite).toBe("dG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9r");
    network.last().deliver(welcomeFrame());
    network.last().drop(1006);
    expect(await handshake(network.last(), OTHER_NONCE)).not.toHaveProperty("invite");
  });

  it("falls back to code pairing without the invite after invite_invalid, and says why", async () => {
    const { client, network, clock, status, handshake } = setup({ invite: "dXNlZC11c2VkLXVzZWQtdXNlZC11c2VkLXVzZWQtdXNl" });
    client.start();
    expect((await handshake()).invite).toBeDefined();
    network.last().deliver({ type: "error", code: "invite_invalid", message: "used" });
    expect(network.sockets).toHaveLength(2);
    expect(client.getSnapshot().notice).toBe("invite_invalid");
    network.sockets[0]!.drop(4413);

    const retryHello = await handshake(network.last(), OTHER_NONCE);
    expect(retryHello).not.toHaveProperty("invite");
    network.last().deliver(pairingFrame(clock.nowMs));
    expect(status()).toBe("pending");
    expect(client.getSnapshot().notice).toBe("invite_invalid");
  });
});

describe("unreachable gateway", () => {
  it("retries with growing backoff while the gateway is down, and Retry now connects at once", () => {
    const { client, network, clock, status } = setup();
    client.start();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      network.last().drop(1006);
      expect(status()).toBe("unreachable");
      const state = client.getSnapshot().state;
      if (state.status !== "unreachable") throw new Error("unreachable expected");
      expect(state.attempt).toBe(attempt);
      delays.push(state.retryAtMs - clock.nowMs);
      clock.advance(state.retryAtMs - clock.nowMs);
      expect(status()).toBe("connecting");
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(client.getSnapshot().lastCloseCode).toBe(1006);

    network.last().drop(1006);
    const socketsBefore = network.sockets.length;
    client.retryNow();
    expect(network.sockets).toHaveLength(socketsBefore + 1);
    expect(status()).toBe("connecting");
  });

  it("treats shutting_down as a restart: backs off, reconnects and is paired again", async () => {
    const { client, network, clock, status, handshake } = setup();
    client.start();
    await handshake();
    network.last().deliver(welcomeFrame());
    network.last().deliver({ type: "error", code: "shutting_down", message: "bye" });
    network.last().drop(1001);
    expect(client.getSnapshot().state).toMatchObject({ status: "unreachable", reason: "shutting_down" });
    expect(client.getSnapshot().lastCloseCode).toBe(1001);
    clock.advance(1_000);
    await handshake(network.last(), OTHER_NONCE);
    network.last().deliver(welcomeFrame());
    expect(status()).toBe("paired");
    expect(client.getSnapshot().sessionEpoch).toBe(2);
  });

  it("waits retryAfterMs after rate_limited before it reconnects", async () => {
    const { client, network, status, clock, handshake } = setup();
    client.start();
    await handshake();
    network.last().deliver({ type: "error", code: "rate_limited", message: "slow down", retryAfterMs: 7_000 });
    network.last().drop(4429);
    expect(status()).toBe("rate_limited");
    clock.advance(6_999);
    expect(network.sockets).toHaveLength(1);
    clock.advance(1);
    expect(network.sockets).toHaveLength(2);
  });
});

describe("refusals", () => {
  it("reconnects once after auth_failed, then shows auth_failed", async () => {
    const { client, network, status, handshake } = setup();
    client.start();
    await handshake();
    network.last().deliver({ type: "error", code: "auth_failed", message: "bad signature" });
    expect(network.sockets).toHaveLength(2);
    expect(status()).toBe("connecting");
    await handshake(network.last(), OTHER_NONCE);
    network.last().deliver({ type: "error", code: "auth_failed", message: "bad signature" });
    expect(status()).toBe("auth_failed");
    expect(network.sockets).toHaveLength(2);
  });

  it("shows protocol_mismatch without sending a hello when the challenge speaks another version", async () => {
    const { client, network, clock, status } = setup();
    client.start();
    network.last().deliver(challenge(clock.nowMs, NONCE, PROTOCOL_VERSION + 1));
    await vi.waitFor(() => expect(status()).toBe("protocol_mismatch"), WAIT);
    expect(network.last().sent).toHaveLength(0);
    expect(network.last().closedByClient).not.toBeNull();
  });

  it("shows key_unreadable and never connects a hello when the stored key can't be used", async () => {
    const unreadable: DeviceKeyResult = { status: "key_unreadable", reason: "damaged" };
    const { client, network, clock, status } = setup({ loadKey: async () => unreadable });
    client.start();
    network.last().deliver(challenge(clock.nowMs));
    await vi.waitFor(() => expect(status()).toBe("key_unreadable"), WAIT);
    expect(network.last().sent).toHaveLength(0);
  });
});

describe("RPC", () => {
  async function pairedClient() {
    const context = setup();
    context.client.start();
    await context.handshake();
    context.network.last().deliver(welcomeFrame());
    return context;
  }

  it("resolves a call with the result validated by the method's schema", async () => {
    const { client, network } = await pairedClient();
    const pending = client.call("devices.revoke", { deviceId: "b".repeat(64) });
    const req = network.last().sentFrames().at(-1)!;
    expect(req).toMatchObject({ type: "req", method: "devices.revoke", params: { deviceId: "b".repeat(64) } });
    network.last().deliver({ type: "res", id: req.id, ok: true, result: { closedConnections: 2, ms: 3.5 } });
    await expect(pending).resolves.toEqual({ closedConnections: 2, ms: 3.5 });
  });

  it("rejects with the gateway's error code, and with bad_result when the answer doesn't match the schema", async () => {
    const { client, network } = await pairedClient();
    const refused = client.call("devices.approve", { code: "BCDFGHJK" });
    network.last().deliver({ type: "res", id: network.last().sentFrames().at(-1)!.id, ok: false, error: { code: "not_found", message: "no such code" } });
    await expect(refused).rejects.toMatchObject({ code: "not_found" } satisfies Partial<GatewayCallError>);

    const malformed = client.call("devices.revoke", { deviceId: "c".repeat(64) });
    network.last().deliver({ type: "res", id: network.last().sentFrames().at(-1)!.id, ok: true, result: { closedConnections: "two" } });
    await expect(malformed).rejects.toMatchObject({ code: "bad_result" });
  });

  it("rejects open calls when the socket drops, and refuses calls before pairing", async () => {
    const { client, network } = await pairedClient();
    const open = client.call("gateway.status", {});
    network.last().drop(1006);
    await expect(open).rejects.toMatchObject({ code: "disconnected" });
    await expect(client.call("gateway.status", {})).rejects.toMatchObject({ code: "not_connected" });
  });

  it("delivers events to subscribers and keeps its own device up to date from device.updated", async () => {
    const { client, network } = await pairedClient();
    const seen: unknown[] = [];
    const off = client.on("devices.changed", (data) => seen.push(data.seq));
    const diff = { upserts: [deviceView({ id: "b".repeat(64), current: false })], removed: [], presence: [] };
    network.last().deliver({ type: "event", event: "devices.changed", data: { seq: 1, ...diff } });
    network.last().deliver({ type: "event", event: "device.updated", data: { device: deviceView({ name: "Renamed" }) } });
    expect(client.getSnapshot().state).toMatchObject({ status: "paired", device: { name: "Renamed" } });
    // An admin's own device in a diff (renamed from another tab) updates this tab's own view too.
    network.last().deliver({ type: "event", event: "devices.changed", data: { seq: 2, ...diff, upserts: [deviceView({ name: "From a diff" })] } });
    off();
    network.last().deliver({ type: "event", event: "devices.changed", data: { seq: 3, ...diff } });
    expect(seen).toEqual([1, 2]);
    expect(client.getSnapshot().state).toMatchObject({ status: "paired", device: { name: "From a diff" } });
  });
});
