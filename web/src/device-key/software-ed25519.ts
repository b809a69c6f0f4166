// @noble/ed25519 for pages without WebCrypto (plain http on a LAN address has no crypto.subtle).
// Loaded with import() only on that path, so secure origins never download it.
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";

// noble's async default hashes with crypto.subtle, which insecure origins don't have.
ed.hashes.sha512 = sha512;
ed.hashes.sha512Async = async (message) => sha512(message);

export function randomSecretKey(): Uint8Array {
  return ed.utils.randomSecretKey();
}

export function publicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  return ed.getPublicKey(secretKey);
}

export function signWithSecret(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed.sign(message, secretKey);
}
