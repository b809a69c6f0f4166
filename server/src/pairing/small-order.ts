// Ed25519 public keys of small order (the 8-torsion points) can "verify" forged signatures: with the identity key,
// R = identity and S = 0 passes for every message under OpenSSL's cofactorless check. Such a key proves nothing,
// so it is refused before verification, as libsodium does (crypto_sign_verify_detached, ge25519_has_small_order).

/**
 * Little-endian y coordinates of the small-order points, with the x sign bit cleared: 0, 1, p−1, p, p+1 (the last
 * two are non-canonical spellings of 0 and 1) and the two order-8 values. Same list as libsodium's blocklist.
 */
const SMALL_ORDER_Y: readonly Uint8Array[] = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
].map((hex) => Uint8Array.from(Buffer.from(hex, "hex")));

/** True for any 32-byte encoding (either x sign) of a point of order 1, 2, 4 or 8. Public data: no constant time needed. */
export function isSmallOrderKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  return SMALL_ORDER_Y.some((y) => {
    for (let i = 0; i < 31; i++) if (publicKey[i] !== y[i]) return false;
    return (publicKey[31]! & 0x7f) === y[31];
  });
}
