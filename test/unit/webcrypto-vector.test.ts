// The golden connect-v1 vector checked by WebCrypto inside real Chromium (docs/protocol.md#handshake), and the reverse:
// a non-extractable WebCrypto key, as the dashboard makes one, signs bytes that node:crypto accepts.
// The page is served from 127.0.0.1, a secure context, so crypto.subtle exists.
import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSignedBytes, decodeB64u, deviceIdFromPublicKey } from "../../shared/index.js";
import { SignatureVerifier } from "../../server/src/pairing/verify-signature.js";
import { launchBrowser } from "../support/chromium.js";

const vector = JSON.parse(readFileSync(resolve(import.meta.dirname, "../fixtures/connect-v1.json"), "utf8")) as {
  publicKeyB64u: string;
  signatureB64u: string;
  signedBytesUtf8: string;
  gatewayId: string;
  nonce: string;
  origin: string;
  signedAtMs: number;
};

let server: Server;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>webcrypto vector</title>");
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
});

/** Verifies inside the page with crypto.subtle; bytes cross the boundary as plain number arrays. */
function verifyInPage(publicKey: number[], signature: number[], message: number[]): Promise<boolean> {
  return page.evaluate(
    async ([pk, sig, msg]) => {
      const key = await crypto.subtle.importKey("raw", new Uint8Array(pk), { name: "Ed25519" }, false, ["verify"]);
      return crypto.subtle.verify({ name: "Ed25519" }, key, new Uint8Array(sig), new Uint8Array(msg));
    },
    [publicKey, signature, message] as const,
  );
}

const arr = (bytes: Uint8Array) => Array.from(bytes);
const fromB64u = (text: string) => {
  const out = decodeB64u(text);
  if (!out) throw new Error(`not canonical b64u: ${text}`);
  return out;
};

describe("WebCrypto Ed25519 in Chromium", () => {
  it("runs in a secure context with crypto.subtle available", async () => {
    expect(await page.evaluate(() => ({ secure: window.isSecureContext, subtle: typeof crypto.subtle }))).toEqual({ secure: true, subtle: "object" });
  });

  it("verifies the golden signature over the golden bytes", async () => {
    const message = new TextEncoder().encode(vector.signedBytesUtf8);
    expect(await verifyInPage(arr(fromB64u(vector.publicKeyB64u)), arr(fromB64u(vector.signatureB64u)), arr(message))).toBe(true);
  });

  it("refuses the golden signature when one byte of the message is flipped", async () => {
    const message = new TextEncoder().encode(vector.signedBytesUtf8);
    for (const index of [0, Math.floor(message.length / 2), message.length - 1]) {
      const flipped = Uint8Array.from(message);
      flipped[index]! ^= 0x01;
      expect(await verifyInPage(arr(fromB64u(vector.publicKeyB64u)), arr(fromB64u(vector.signatureB64u)), arr(flipped))).toBe(false);
    }
  });

  it("signs the golden payload with a fresh non-extractable key that node:crypto verifies", async () => {
    const message = buildSignedBytes(vector);
    const out = await page.evaluate(async (msg) => {
      const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as CryptoKeyPair;
      let privateExportRefused = false;
      try {
        await crypto.subtle.exportKey("pkcs8", pair.privateKey);
      } catch {
        privateExportRefused = true; // the point of the check: a non-extractable key must not leave WebCrypto
      }
      const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
      const signature = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, new Uint8Array(msg)));
      return { extractable: pair.privateKey.extractable, privateExportRefused, publicKey: Array.from(publicKey), signature: Array.from(signature) };
    }, arr(message));

    expect(out.extractable).toBe(false);
    expect(out.privateExportRefused).toBe(true);
    const publicKey = Uint8Array.from(out.publicKey);
    const signature = Uint8Array.from(out.signature);
    expect(publicKey).toHaveLength(32);
    expect(signature).toHaveLength(64);
    const keyObject = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey).toString("base64url") }, format: "jwk" });
    expect(verify(null, message, keyObject, signature)).toBe(true);
    expect(new SignatureVerifier().verify(deviceIdFromPublicKey(publicKey), publicKey, message, signature)).toBe(true);
    const other = buildSignedBytes({ ...vector, nonce: "A".repeat(43) });
    expect(verify(null, other, keyObject, signature)).toBe(false);
  });
});
