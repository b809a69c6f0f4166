// Issue 5: the handshake proves possession of the key for *this* socket's challenge only (docs/protocol.md#handshake).
// Replays, signatures over another nonce, gateway or origin, skewed clocks and malformed keys are refused.
import { verify as nodeVerify, createPublicKey } from "node:crypto";
import * as ed from "@noble/ed25519";
import { afterEach, describe, expect, it } from "vitest";
import { encodeB64u, MAX_CLOCK_SKEW_MS, NONCE_TTL_MS, PROTOCOL_VERSION, type ChallengeFrame } from "../../shared/index.js";
import { isSmallOrderKey } from "../../server/src/pairing/small-order.js";
import { startGateway } from "../support/gateway-harness.js";
import { makeTestKey, type TestKey } from "../support/test-key.js";
import { connectClient, type TestClient } from "../support/ws-client.js";
import { signedHello } from "../support/hello.js";
import { CLI, expectRefusal, manualClock, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

// Failed handshakes back off per address (limits.test.ts covers that); here every refusal must be the
// handshake's own, so the backoff is out of the way.
const generous = { settings: { failuresBeforeBackoff: 1_000_000 } };

async function open(key: TestKey = makeTestKey(), origin?: string): Promise<{ c: TestClient; challenge: ChallengeFrame; key: TestKey }> {
  const c = await connectClient(h!.url, key, origin ? { origin } : {});
  return { c, challenge: await c.next("challenge"), key };
}

describe("handshake authentication", () => {
  it("refuses a captured hello replayed on a new socket with auth_failed 4401, for pending and for paired keys", async () => {
    h = await startGateway(generous);
    for (const paired of [false, true]) {
      const key = makeTestKey();
      if (paired) {
        const first = await open(key);
        first.c.sendRaw(JSON.stringify(signedHello(key, first.challenge)));
        await h.gateway.dispatch(CLI, "devices.approve", { code: (await first.c.next("pairing")).request.code });
        await first.c.next("welcome");
      }
      const victim = await open(key);
      const captured = JSON.stringify(signedHello(key, victim.challenge));
      victim.c.sendRaw(captured);
      await victim.c.next(paired ? "welcome" : "pairing");
      const attacker = await open(key);
      attacker.c.sendRaw(captured);
      await expectRefusal(attacker.c, "auth_failed", 4401);
    }
  });

  it("refuses a signature over another nonce, another gateway id or another origin with auth_failed 4401", async () => {
    h = await startGateway(generous);
    const origin = `http://127.0.0.1:${h.port}`;
    const other = await open();
    const cases = [
      { nonce: other.challenge.nonce },
      { gatewayId: encodeB64u(new Uint8Array(16).fill(7)) },
      { origin: "https://evil.example" },
      { origin: "" }, // the upgrade carried an Origin, so the empty one is wrong too
    ];
    for (const parts of cases) {
      const { c, challenge, key } = await open(makeTestKey(), origin);
      c.sendRaw(JSON.stringify(signedHello(key, challenge, { origin, ...parts })));
      await expectRefusal(c, "auth_failed", 4401);
    }
    const good = await open(makeTestKey(), origin);
    good.c.sendRaw(JSON.stringify(signedHello(good.key, good.challenge, { origin })));
    expect((await good.c.next("pairing")).request.fingerprint).toBe(good.key.fingerprint);
  });

  it("refuses signedAtMs 3 minutes off in either direction and accepts up to 2 minutes", async () => {
    const clock = manualClock();
    h = await startGateway({ ...generous, now: clock.now });
    for (const offset of [-180_000, 180_000, MAX_CLOCK_SKEW_MS + 1, -(MAX_CLOCK_SKEW_MS + 1)]) {
      const { c, challenge, key } = await open();
      c.sendRaw(JSON.stringify(signedHello(key, challenge, { signedAtMs: clock.now() + offset })));
      const { error } = await expectRefusal(c, "auth_failed", 4401);
      expect(error.message).toMatch(/clock/);
    }
    for (const offset of [-MAX_CLOCK_SKEW_MS, MAX_CLOCK_SKEW_MS]) {
      const { c, challenge, key } = await open();
      c.sendRaw(JSON.stringify(signedHello(key, challenge, { signedAtMs: clock.now() + offset })));
      await c.next("pairing");
    }
  });

  it("refuses a hello after the challenge's 30 s with auth_failed 4401", async () => {
    const clock = manualClock();
    h = await startGateway({ ...generous, now: clock.now });
    const { c, challenge, key } = await open();
    expect(challenge.expiresAtMs).toBe(clock.now() + NONCE_TTL_MS);
    clock.advance(NONCE_TTL_MS + 1);
    c.sendRaw(JSON.stringify(signedHello(key, challenge, { signedAtMs: clock.now() })));
    await expectRefusal(c, "auth_failed", 4401);
  });

  it("refuses a public key or signature of the wrong length or in a non-canonical encoding with bad_frame 4400", async () => {
    h = await startGateway(generous);
    const k = makeTestKey();
    const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // The last char of 32 (or 64) bytes in b64u carries 2 (or 4) unused bits; a canonical spelling has them zero.
    const secondSpelling = (s: string) => s.slice(0, -1) + ALPHABET[ALPHABET.indexOf(s.at(-1)!) + 1];
    const sig = encodeB64u(new Uint8Array(64).fill(9));
    const cases: Array<Record<string, unknown>> = [
      { publicKey: encodeB64u(new Uint8Array(31).fill(1)) },
      { publicKey: encodeB64u(new Uint8Array(33).fill(1)) },
      { publicKey: k.publicKeyB64u + "=" },
      { publicKey: Buffer.from(k.publicKey).toString("base64") }, // standard base64 with padding
      { publicKey: secondSpelling(k.publicKeyB64u) },
      { publicKey: "*".repeat(43) },
      { signature: sig.slice(0, -1) },
      { signature: sig + "=" },
      { signature: secondSpelling(sig) },
    ];
    for (const override of cases) {
      const { c, challenge } = await open(k);
      c.sendRaw(JSON.stringify({ ...signedHello(k, challenge), ...override }));
      await expectRefusal(c, "bad_frame", 4400);
    }
  });

  it("refuses small-order public keys, which some OpenSSL versions accept a forged signature for, with auth_failed 4401", async ({ annotate }) => {
    h = await startGateway(generous);
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const forged = new Uint8Array(64);
    forged[0] = 1; // R = identity, S = 0
    const { c, challenge } = await open();
    const hello = {
      ...signedHello(makeTestKey(), challenge, { publicKeyB64u: encodeB64u(identity) }),
      signature: encodeB64u(forged),
    };
    // The premise depends on the runtime: OpenSSL 3.0 (Node 20, 22) verifies this forgery for any message; newer
    // OpenSSL (Node 24's 3.5) refuses it by itself. Either way the key is on pairgate's own blocklist, which is what
    // keeps the gateway safe on every runtime.
    const jwk = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: encodeB64u(identity) }, format: "jwk" });
    const runtimeAcceptsForgery = nodeVerify(null, Buffer.from("any message at all"), jwk, forged);
    await annotate(
      runtimeAcceptsForgery
        ? `premise holds: OpenSSL ${process.versions.openssl} accepts the small-order forgery, so only the blocklist refuses it`
        : `premise does not hold on OpenSSL ${process.versions.openssl}: it refuses the forgery itself; checking the blocklist and the refusal only`,
    );
    expect(isSmallOrderKey(identity)).toBe(true);
    c.sendRaw(JSON.stringify(hello));
    await expectRefusal(c, "auth_failed", 4401);
  });

  it("blocks every encoding of all eight small-order points and no ordinary key", () => {
    // An order-8 point (libsodium's blocklist entry); its multiples are the whole 8-torsion subgroup.
    const p8 = ed.Point.fromHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
    let point = ed.Point.ZERO;
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const bytes = point.toBytes();
      seen.add(Buffer.from(bytes).toString("hex"));
      expect(isSmallOrderKey(bytes)).toBe(true);
      const flipped = Uint8Array.from(bytes);
      flipped[31]! ^= 0x80;
      expect(isSmallOrderKey(flipped)).toBe(true);
      point = point.add(p8);
    }
    expect(seen.size).toBe(8);
    for (let i = 0; i < 200; i++) expect(isSmallOrderKey(makeTestKey().publicKey)).toBe(false);
  });

  it("refuses a req before the hello, a second hello and an unknown protocol version with their codes", async () => {
    h = await startGateway(generous);
    const early = await open();
    early.c.sendRaw(JSON.stringify({ type: "req", id: "1", method: "devices.list", params: {} }));
    await expectRefusal(early.c, "bad_frame", 4400);

    const twice = await open();
    twice.c.sendRaw(JSON.stringify(signedHello(twice.key, twice.challenge)));
    await twice.c.next("pairing");
    twice.c.sendRaw(JSON.stringify(signedHello(twice.key, twice.challenge)));
    await expectRefusal(twice.c, "bad_frame", 4400);

    const future = await open();
    future.c.sendRaw(JSON.stringify(signedHello(future.key, future.challenge, {}, { protocol: PROTOCOL_VERSION + 1 })));
    await expectRefusal(future.c, "protocol_mismatch", 4409);
  });

  it("gives every socket its own single-use nonce", async () => {
    h = await startGateway(generous);
    const nonces = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { c, challenge } = await open();
      expect(challenge.gatewayId).toBe(h.gateway.gatewayId);
      expect(Buffer.from(challenge.nonce, "base64url")).toHaveLength(32);
      nonces.add(challenge.nonce);
      c.close();
    }
    expect(nonces.size).toBe(20);
  });
});
