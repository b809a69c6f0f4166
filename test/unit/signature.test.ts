// The gateway's Ed25519 check (server/src/pairing/verify-signature.ts): for random keys and messages a good
// signature verifies, and flipping any single byte of the message, the signature or the public key fails.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deviceIdFromPublicKey } from "../../shared/index.js";
import { SignatureVerifier } from "../../server/src/pairing/verify-signature.js";
import { makeTestKey } from "../support/test-key.js";

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const messageArb = fc.uint8Array({ minLength: 1, maxLength: 300 });
const maskArb = fc.integer({ min: 1, max: 255 });

function flipped(bytes: Uint8Array, index: number, mask: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[index]! ^= mask;
  return out;
}

describe("SignatureVerifier", () => {
  it("accepts a signature made by the key over the message", () => {
    fc.assert(
      fc.property(seedArb, messageArb, (seed, message) => {
        const key = makeTestKey(seed);
        expect(new SignatureVerifier().verify(key.deviceId, key.publicKey, message, key.sign(message))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("fails when any single byte of the message, the signature or the public key is flipped", () => {
    fc.assert(
      fc.property(seedArb, messageArb, maskArb, (seed, message, mask) => {
        const key = makeTestKey(seed);
        const signature = key.sign(message);
        const verifier = new SignatureVerifier();
        for (let i = 0; i < message.length; i++) {
          expect(verifier.verify(key.deviceId, key.publicKey, flipped(message, i, mask), signature)).toBe(false);
        }
        for (let i = 0; i < signature.length; i++) {
          expect(verifier.verify(key.deviceId, key.publicKey, message, flipped(signature, i, mask))).toBe(false);
        }
        for (let i = 0; i < key.publicKey.length; i++) {
          const other = flipped(key.publicKey, i, mask);
          // A fresh verifier per key: the cache is keyed by device id, which the gateway always derives from the key.
          expect(new SignatureVerifier().verify(deviceIdFromPublicKey(other), other, message, signature)).toBe(false);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("fails rather than throws for a signature of the wrong length", () => {
    const key = makeTestKey();
    const message = new TextEncoder().encode("hello");
    const signature = key.sign(message);
    const verifier = new SignatureVerifier();
    expect(verifier.verify(key.deviceId, key.publicKey, message, signature.slice(0, 63))).toBe(false);
    expect(verifier.verify(key.deviceId, key.publicKey, message, new Uint8Array(65))).toBe(false);
    expect(verifier.verify(key.deviceId, key.publicKey, message, new Uint8Array(0))).toBe(false);
  });

  it("parses the key again from its bytes after forget(deviceId) drops the cached KeyObject", () => {
    const a = makeTestKey();
    const b = makeTestKey();
    const message = new TextEncoder().encode("cache");
    const verifier = new SignatureVerifier();
    expect(verifier.verify(a.deviceId, a.publicKey, message, a.sign(message))).toBe(true);
    verifier.forget(a.deviceId);
    // After forget the key is parsed again from the bytes given, so b's key under a's id verifies b's signature.
    expect(verifier.verify(a.deviceId, b.publicKey, message, b.sign(message))).toBe(true);
    expect(verifier.verify(a.deviceId, b.publicKey, message, a.sign(message))).toBe(false);
  });
});
