// Ed25519 edge cases (test/fixtures/ed25519/edge-cases.json, made and sourced by make-edge-cases.mjs: RFC 8032
// §7.1, libsodium's small-order list, "Taming the many EdDSAs", Chalkias et al. 2020) against the gateway's
// verifier (node:crypto behind the small-order blocklist) and against @noble/ed25519, the dashboard's software
// Ed25519. The gateway must accept exactly the valid rows. noble in strict RFC 8032 mode agrees; noble's default
// (ZIP-215, cofactored) accepts the small-order forgeries, which is why the gateway never relies on it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { isSmallOrderKey } from "../../server/src/pairing/small-order.js";
import { SignatureVerifier } from "../../server/src/pairing/verify-signature.js";

ed.hashes.sha512 = sha512;

interface EdgeCase {
  name: string;
  source: string;
  valid: boolean;
  zip215Accepts?: boolean;
  publicKey: string;
  message: string;
  signature: string;
}

const { cases } = JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/ed25519/edge-cases.json"), "utf8")) as { cases: EdgeCase[] };
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));
const rows = cases.map((c) => ({ ...c, pk: bytes(c.publicKey), msg: bytes(c.message), sig: bytes(c.signature) }));

describe("Ed25519 edge-case vectors", () => {
  it("cover valid RFC 8032 rows, S ≥ L, every small-order key, and non-canonical R and A", () => {
    expect(rows.filter((r) => r.valid)).toHaveLength(3);
    expect(rows.filter((r) => r.pk.length === 32 && isSmallOrderKey(r.pk))).toHaveLength(14);
    for (const needle of ["non-canonical S", "non-canonical R", "non-canonical A"])
      expect(
        rows.some((r) => r.name.includes(needle)),
        needle,
      ).toBe(true);
    for (const r of rows) expect(r.source, r.name).not.toBe("");
  });

  it.each(rows.map((r) => [r.name, r] as const))("the gateway's verifier gets %s right", (_name, r) => {
    // A fresh verifier per row: its KeyObject cache must not carry one row's key into the next.
    expect(new SignatureVerifier().verify(`row-${r.publicKey}`, r.pk, r.msg, r.sig)).toBe(r.valid);
  });

  it.each(rows.map((r) => [r.name, r] as const))("noble in strict RFC 8032 mode gets %s right", (_name, r) => {
    expect(ed.verify(r.sig, r.msg, r.pk, { zip215: false })).toBe(r.valid);
  });

  it("noble's default (ZIP-215) differs only on the small-order forgeries the gateway refuses first", () => {
    const differing = rows.filter((r) => ed.verify(r.sig, r.msg, r.pk) !== r.valid).map((r) => r.name);
    expect(differing).toEqual(rows.filter((r) => r.zip215Accepts).map((r) => r.name));
  });
});
