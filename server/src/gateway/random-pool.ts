// Random bytes for nonces and ids, cut from a node:crypto buffer refilled 4 KiB at a time. A randomBytes() call
// costs an OpenSSL DRBG round trip plus a getpid() syscall (its fork check), once per handshake for the nonce.
// Bytes are copied out once and zeroed in the pool; none is ever handed out twice (node's randomUUID batches too).
import { randomFillSync } from "node:crypto";

const POOL_BYTES = 4096;

export function createRandomPool(): (n: number) => Uint8Array {
  const pool = new Uint8Array(POOL_BYTES);
  let offset = POOL_BYTES;
  return (n) => {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a whole number of bytes, got ${n}`);
    if (n > POOL_BYTES / 8) return randomFillSync(new Uint8Array(n));
    if (offset + n > POOL_BYTES) {
      randomFillSync(pool);
      offset = 0;
    }
    const out = pool.slice(offset, offset + n);
    pool.fill(0, offset, offset + n);
    offset += n;
    return out;
  };
}
