// A device is its Ed25519 public key. The id is SHA-256(raw key) in hex; the fingerprint people compare
// is the first 8 base32 chars of the same hash, shown as ABCD-EFGH (docs/protocol.md#handshake).
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase32 } from "../encoding/base32.js";
import { encodeHex } from "../encoding/hex.js";

export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

export function deviceIdFromPublicKey(publicKey: Uint8Array): string {
  return encodeHex(sha256(checkKey(publicKey)));
}

export function fingerprintFromPublicKey(publicKey: Uint8Array): string {
  const chars = encodeBase32(sha256(checkKey(publicKey))).slice(0, 8);
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

function checkKey(publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new TypeError(`publicKey must be ${PUBLIC_KEY_BYTES} bytes`);
  }
  return publicKey;
}
