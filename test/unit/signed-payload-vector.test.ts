// The golden connect-v1 vector (docs/protocol.md#handshake): a fixed seed gives exact signed bytes and an exact
// signature, checked with node:crypto (the gateway's verifier) and @noble/ed25519 (the dashboard's software signer).
// Sources: test/fixtures/connect-v1.json is a copy of the team's reference vector ../shared/vectors/connect-v1.json,
// verified here before it was copied; RFC 8032 §7.1 TEST 1 is the independent Ed25519 check.
import { createHash, createPublicKey, verify } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { buildSignedBytes, CONNECT_DOMAIN, decodeB64u, deviceIdFromPublicKey, encodeB64u, fingerprintFromPublicKey } from "../../shared/index.js";
import { SignatureVerifier } from "../../server/src/pairing/verify-signature.js";
import { makeTestKey } from "../support/test-key.js";

ed.hashes.sha512 = sha512;

const REPO = resolve(import.meta.dirname, "../..");
const FIXTURE_PATH = resolve(REPO, "test/fixtures/connect-v1.json");
const REFERENCE_PATH = resolve(REPO, "../shared/vectors/connect-v1.json");
const REFERENCE_SHA256 = "2697a45bba5972cfe8a2ae9e002787e2a7c4ca3d480422cf44ac1e496bf55995";

interface ConnectVector {
  description: string;
  secretSeedHex: string;
  publicKeyB64u: string;
  deviceId: string;
  fingerprint: string;
  gatewayId: string;
  nonce: string;
  origin: string;
  signedAtMs: number;
  signedBytesUtf8: string;
  signatureB64u: string;
}

const vector = JSON.parse(readFileSync(FIXTURE_PATH, "utf8")) as ConnectVector;
const seed = new Uint8Array(Buffer.from(vector.secretSeedHex, "hex"));
const payload = {
  gatewayId: vector.gatewayId,
  nonce: vector.nonce,
  origin: vector.origin,
  publicKeyB64u: vector.publicKeyB64u,
  signedAtMs: vector.signedAtMs,
};
const utf8 = (text: string) => new TextEncoder().encode(text);
const bytes = (b64u: string) => {
  const out = decodeB64u(b64u);
  if (!out) throw new Error(`fixture holds non-canonical b64u: ${b64u}`);
  return out;
};

/** A node:crypto public KeyObject from raw Ed25519 bytes, independent of the gateway's verifier. */
function nodePublicKey(raw: Uint8Array) {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(raw).toString("base64url") }, format: "jwk" });
}

describe("golden connect-v1 vector", () => {
  it("is the team's reference vector byte for byte (its SHA-256 pinned here; compared with the file where present)", () => {
    // The reference lives outside the repo (../shared/vectors/connect-v1.json, next to a team checkout). Its hash is
    // pinned so that a clean clone checks the copy too; where the reference is present, the files are compared.
    const fixture = readFileSync(FIXTURE_PATH);
    expect(createHash("sha256").update(fixture).digest("hex")).toBe(REFERENCE_SHA256);
    if (existsSync(REFERENCE_PATH)) expect(fixture.equals(readFileSync(REFERENCE_PATH))).toBe(true);
    else console.info(`${REFERENCE_PATH} is absent: checked the copy against the pinned hash only`);
  });

  it("has well-formed inputs: a 32-byte seed, a 16-byte gateway id and a 32-byte nonce", () => {
    expect(seed).toHaveLength(32);
    expect(bytes(vector.gatewayId)).toHaveLength(16);
    expect(bytes(vector.nonce)).toHaveLength(32);
    expect(bytes(vector.publicKeyB64u)).toHaveLength(32);
    expect(bytes(vector.signatureB64u)).toHaveLength(64);
  });

  it("builds exactly the pinned signed bytes from the payload", () => {
    const signed = buildSignedBytes(payload);
    expect(new TextDecoder().decode(signed)).toBe(vector.signedBytesUtf8);
    expect(Buffer.from(signed).equals(Buffer.from(utf8(vector.signedBytesUtf8)))).toBe(true);
  });

  it("puts the domain tag first so the bytes can't be mistaken for another purpose", () => {
    const parsed = JSON.parse(vector.signedBytesUtf8) as unknown[];
    expect(parsed).toEqual([CONNECT_DOMAIN, vector.gatewayId, vector.nonce, vector.origin, vector.publicKeyB64u, vector.signedAtMs]);
    expect(CONNECT_DOMAIN).toBe("pairgate/connect/v1");
  });

  it("derives the public key, device id and fingerprint from the seed", () => {
    const key = makeTestKey(seed);
    expect(key.publicKeyB64u).toBe(vector.publicKeyB64u);
    expect(deviceIdFromPublicKey(key.publicKey)).toBe(vector.deviceId);
    expect(fingerprintFromPublicKey(key.publicKey)).toBe(vector.fingerprint);
    expect(vector.deviceId).toBe(createHash("sha256").update(key.publicKey).digest("hex"));
    expect(encodeB64u(ed.getPublicKey(seed))).toBe(vector.publicKeyB64u);
  });

  it("signs to exactly the pinned signature with node:crypto (Ed25519 is deterministic)", () => {
    const key = makeTestKey(seed);
    expect(encodeB64u(key.sign(buildSignedBytes(payload)))).toBe(vector.signatureB64u);
  });

  it("signs to the same signature with noble and verifies it with noble", () => {
    const message = buildSignedBytes(payload);
    expect(encodeB64u(ed.sign(message, seed))).toBe(vector.signatureB64u);
    expect(ed.verify(bytes(vector.signatureB64u), message, bytes(vector.publicKeyB64u))).toBe(true);
  });

  it("verifies with node:crypto and with the gateway's SignatureVerifier", () => {
    const message = buildSignedBytes(payload);
    const publicKey = bytes(vector.publicKeyB64u);
    expect(verify(null, message, nodePublicKey(publicKey), bytes(vector.signatureB64u))).toBe(true);
    expect(new SignatureVerifier().verify(vector.deviceId, publicKey, message, bytes(vector.signatureB64u))).toBe(true);
  });

  it("fails verification when any one field of the payload changes", () => {
    const publicKey = bytes(vector.publicKeyB64u);
    const signature = bytes(vector.signatureB64u);
    const variants = [
      { ...payload, gatewayId: "AAECAwQFBgcICQoLDA0OEA" },
      { ...payload, nonce: "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6o" },
      { ...payload, origin: "http://localhost:8421" },
      { ...payload, origin: "" },
      { ...payload, signedAtMs: vector.signedAtMs + 1 },
    ];
    for (const variant of variants) {
      const message = buildSignedBytes(variant);
      expect(verify(null, message, nodePublicKey(publicKey), signature)).toBe(false);
      expect(ed.verify(signature, message, publicKey)).toBe(false);
    }
  });
});

describe("RFC 8032 §7.1 TEST 1 (empty message)", () => {
  // Source: RFC 8032, "Edwards-Curve Digital Signature Algorithm (EdDSA)", section 7.1, -----TEST 1.
  const secretKey = new Uint8Array(Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex"));
  const publicKey = new Uint8Array(Buffer.from("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "hex"));
  const signature = new Uint8Array(
    Buffer.from("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", "hex"),
  );
  const message = new Uint8Array(0);

  it("derives the RFC public key and signature with node:crypto, and verifies it", () => {
    const key = makeTestKey(secretKey);
    expect(Buffer.from(key.publicKey).toString("hex")).toBe(Buffer.from(publicKey).toString("hex"));
    expect(Buffer.from(key.sign(message)).toString("hex")).toBe(Buffer.from(signature).toString("hex"));
    expect(verify(null, message, nodePublicKey(publicKey), signature)).toBe(true);
  });

  it("derives the RFC public key and signature with noble, and verifies it", () => {
    expect(ed.getPublicKey(secretKey)).toEqual(publicKey);
    expect(ed.sign(message, secretKey)).toEqual(signature);
    expect(ed.verify(signature, message, publicKey)).toBe(true);
  });

  it("refuses the RFC signature over a one-byte message", () => {
    expect(verify(null, new Uint8Array([0]), nodePublicKey(publicKey), signature)).toBe(false);
    expect(ed.verify(signature, new Uint8Array([0]), publicKey)).toBe(false);
  });
});
