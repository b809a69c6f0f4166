// A device key for tests, on node:crypto: raw public key bytes and a signer over Uint8Array.
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { deviceIdFromPublicKey, encodeB64u, fingerprintFromPublicKey } from "../../shared/index.js";

export interface TestKey {
  publicKey: Uint8Array;
  publicKeyB64u: string;
  deviceId: string;
  fingerprint: string;
  sign(message: Uint8Array): Uint8Array;
}

export function makeTestKey(seed?: Uint8Array): TestKey {
  let privateKey: KeyObject;
  if (seed) {
    // PKCS#8 wrapper for a raw 32-byte Ed25519 seed (RFC 8410).
    const prefix = Buffer.from("302e020100300506032b657004220420", "hex");
    privateKey = createPrivateKey({ key: Buffer.concat([prefix, Buffer.from(seed)]), format: "der", type: "pkcs8" });
  } else {
    privateKey = generateKeyPairSync("ed25519").privateKey;
  }
  const jwk = privateKey.export({ format: "jwk" }) as { x: string };
  const publicKey = new Uint8Array(Buffer.from(jwk.x, "base64url"));
  return {
    publicKey,
    publicKeyB64u: encodeB64u(publicKey),
    deviceId: deviceIdFromPublicKey(publicKey),
    fingerprint: fingerprintFromPublicKey(publicKey),
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}
