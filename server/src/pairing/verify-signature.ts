// Ed25519 verification with node:crypto (about 10x noble) and a bounded cache of KeyObjects, so the
// handshake hot path never re-parses a key it has seen (docs/design.md#store).
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { encodeB64u } from "../../../shared/index.js";
import { isSmallOrderKey } from "./small-order.js";

const MAX_CACHED_KEYS = 50_000;

export class SignatureVerifier {
  private readonly keys = new Map<string, KeyObject>();

  verify(deviceId: string, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    let key = this.keys.get(deviceId);
    if (!key) {
      if (isSmallOrderKey(publicKey)) return false; // a key anyone can sign for: the same answer as a bad signature
      try {
        key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: encodeB64u(publicKey) }, format: "jwk" });
      } catch {
        return false; // not a point on the curve: the same answer as a bad signature
      }
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(deviceId, key);
    }
    try {
      return verify(null, message, key, signature);
    } catch {
      return false; // malformed signature bytes are a failed verification, not a crash
    }
  }

  forget(deviceId: string): void {
    this.keys.delete(deviceId);
  }
}
