// The exact bytes a browser signs on connect (docs/protocol.md#handshake). A JSON array with a domain tag first:
// no key order, no delimiter ambiguity, and a signature for this purpose can't be replayed for another.
// Pinned by test/fixtures/connect-v1.json.

export const CONNECT_DOMAIN = "pairgate/connect/v1";

export interface ConnectPayload {
  gatewayId: string;
  nonce: string;
  /** The page's location.origin; the server uses the upgrade's Origin header, or "" when none was sent. */
  origin: string;
  publicKeyB64u: string;
  signedAtMs: number;
}

/** One encoder for every call: the gateway builds these bytes on every handshake, and an encoder is not free. */
const utf8 = new TextEncoder();

export function buildSignedBytes(p: ConnectPayload): Uint8Array {
  const text = JSON.stringify([CONNECT_DOMAIN, p.gatewayId, p.nonce, p.origin, p.publicKeyB64u, p.signedAtMs]);
  return utf8.encode(text);
}
