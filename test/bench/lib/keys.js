// Device keys for the load generator: real Ed25519 keys from node:crypto, made once per bench run and shared with
// the load process as a flat file of 64-byte records (32-byte private seed `d`, 32-byte raw public key `x`).
// JWK in and out: on Node 20 / OpenSSL 3 it is about 10x faster than DER for Ed25519 keys. Keys are generated
// straight into JWK: a loop of generateKeyPairSync() KeyObjects + export() hung after ~6,000 keys on Node 20.20.
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const RECORD_BYTES = 64;

/** Writes `count` fresh keys to `file`; returns their raw public keys. */
export function writeKeyFile(file, count) {
  const out = Buffer.alloc(count * RECORD_BYTES);
  const publicKeys = [];
  for (let i = 0; i < count; i++) {
    const jwk = generateKeyPairSync("ed25519", { publicKeyEncoding: { format: "jwk" }, privateKeyEncoding: { format: "jwk" } }).privateKey;
    const pub = Buffer.from(jwk.x, "base64url");
    Buffer.from(jwk.d, "base64url").copy(out, i * RECORD_BYTES);
    pub.copy(out, i * RECORD_BYTES + 32);
    publicKeys.push(new Uint8Array(pub));
  }
  writeFileSync(file, out);
  return publicKeys;
}

/** Reads keys [start, start+count) with their signing KeyObjects. */
export function readKeyFile(file, start = 0, count = Infinity) {
  const buf = readFileSync(file);
  const total = buf.length / RECORD_BYTES;
  const end = Math.min(total, start + count);
  const keys = [];
  for (let i = start; i < end; i++) {
    const d = buf.subarray(i * RECORD_BYTES, i * RECORD_BYTES + 32).toString("base64url");
    const x = buf.subarray(i * RECORD_BYTES + 32, (i + 1) * RECORD_BYTES).toString("base64url");
    keys.push({ privateKey: createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d, x }, format: "jwk" }), publicKeyB64u: x });
  }
  return keys;
}
