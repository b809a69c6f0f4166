// Encodings on the wire and on screen: strict b64u (one spelling per byte string), RFC 4648 base32, hex device ids and
// the ABCD-EFGH fingerprint (docs/protocol.md#transport, docs/protocol.md#handshake). Node's Buffer and node:crypto are
// the independent references.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { b64uLength, decodeB64u, deviceIdFromPublicKey, encodeB64u, encodeHex, fingerprintFromPublicKey } from "../../shared/index.js";
import { encodeBase32 } from "../../shared/encoding/base32.js";

const B64U_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const bytesArb = fc.uint8Array({ maxLength: 200 });

describe("b64u", () => {
  it("round-trips any byte string", () => {
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        expect(decodeB64u(encodeB64u(bytes))).toEqual(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it("encodes exactly as Buffer's base64url, with no padding", () => {
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        const text = encodeB64u(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64url"));
        expect(text).not.toContain("=");
        expect(text).toHaveLength(b64uLength(bytes.length));
      }),
      { numRuns: 1000 },
    );
  });

  it("decodes only canonical spellings: whatever it accepts re-encodes to the same text", () => {
    const text = fc.string({ unit: fc.constantFrom(...B64U_ALPHABET.split("")), maxLength: 60 });
    fc.assert(
      fc.property(text, (t) => {
        const decoded = decodeB64u(t);
        if (decoded === null) return;
        expect(encodeB64u(decoded)).toBe(t);
        expect(decoded).toEqual(new Uint8Array(Buffer.from(t, "base64url")));
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects a spelling with non-zero trailing bits that a lenient decoder would accept", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }).filter((b) => b.length % 3 !== 0),
        fc.integer({ min: 1, max: 15 }),
        (bytes, bump) => {
          const canonical = encodeB64u(bytes);
          const unusedBits = bytes.length % 3 === 1 ? 4 : 2; // 1 byte → 2 chars (4 spare bits), 2 bytes → 3 chars (2 spare)
          const last = B64U_ALPHABET.indexOf(canonical.at(-1)!);
          const delta = bump % (1 << unusedBits);
          if (delta === 0) return;
          const variant = canonical.slice(0, -1) + B64U_ALPHABET[last ^ delta]!;
          expect(Buffer.from(variant, "base64url")).toEqual(Buffer.from(bytes)); // Node decodes it to the same bytes…
          expect(decodeB64u(variant)).toBeNull(); // …but the wire allows one spelling only
        },
      ),
      { numRuns: 500 },
    );
    expect(decodeB64u("AB")).toBeNull();
    expect(decodeB64u("AA")).toEqual(new Uint8Array([0]));
  });

  it("rejects characters outside the url-safe alphabet, padding and impossible lengths", () => {
    for (const bad of ["AA==", "A+8", "A/8", "AA A", "AA\n", "ÀA", "A", "AAAAA", "AA.", "AA😀"]) {
      expect(decodeB64u(bad), bad).toBeNull();
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 3, maxLength: 30 }), fc.nat(), fc.constantFrom("+", "/", "=", " ", "%", "\u0000", "é"), (bytes, at, ch) => {
        const text = encodeB64u(bytes);
        const i = at % text.length;
        expect(decodeB64u(text.slice(0, i) + ch + text.slice(i + 1))).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it("gives 43 characters for a 32-byte key and 86 for a 64-byte signature", () => {
    expect(b64uLength(32)).toBe(43);
    expect(b64uLength(64)).toBe(86);
    expect(b64uLength(16)).toBe(22);
  });
});

describe("base32 (RFC 4648 §10 test vectors, unpadded)", () => {
  // Source: RFC 4648 §10, "Test Vectors", BASE32 column with the trailing "=" padding removed.
  const vectors: Array<[string, string]> = [
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ];
  for (const [input, expected] of vectors) {
    it(`encodes "${input}" as "${expected}"`, () => {
      expect(encodeBase32(new TextEncoder().encode(input))).toBe(expected);
    });
  }

  it("uses only A–Z and 2–7 and ceil(8n/5) characters for any bytes", () => {
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        const text = encodeBase32(bytes);
        expect(text).toMatch(/^[A-Z2-7]*$/);
        expect(text).toHaveLength(Math.ceil((bytes.length * 8) / 5));
      }),
      { numRuns: 500 },
    );
  });
});

describe("hex", () => {
  it("encodes as lower-case hex exactly like Buffer", () => {
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        expect(encodeHex(bytes)).toBe(Buffer.from(bytes).toString("hex"));
      }),
      { numRuns: 500 },
    );
  });
});

describe("device id and fingerprint", () => {
  const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

  it("makes the device id the lower-case hex SHA-256 of the raw key", () => {
    fc.assert(
      fc.property(keyArb, (key) => {
        const id = deviceIdFromPublicKey(key);
        expect(id).toMatch(/^[0-9a-f]{64}$/);
        expect(id).toBe(createHash("sha256").update(key).digest("hex"));
      }),
      { numRuns: 300 },
    );
  });

  it("makes the fingerprint the first 8 base32 characters of that hash, shown ABCD-EFGH", () => {
    fc.assert(
      fc.property(keyArb, (key) => {
        const fingerprint = fingerprintFromPublicKey(key);
        expect(fingerprint).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}$/);
        const base32 = encodeBase32(createHash("sha256").update(key).digest());
        expect(fingerprint.replace("-", "")).toBe(base32.slice(0, 8));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a key that is not exactly 32 bytes with a TypeError", () => {
    for (const length of [0, 31, 33, 64]) {
      expect(() => deviceIdFromPublicKey(new Uint8Array(length))).toThrow(TypeError);
      expect(() => fingerprintFromPublicKey(new Uint8Array(length))).toThrow(TypeError);
    }
  });
});
