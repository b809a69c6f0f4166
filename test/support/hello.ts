// Hand-built hello frames for handshake tests: the same signed bytes as the dashboard (shared/), with any
// part swapped out (nonce, gateway id, origin, time, key, signature) to prove the gateway refuses it.
import { buildSignedBytes, encodeB64u, PROTOCOL_VERSION, type ChallengeFrame, type HelloFrame } from "../../shared/index.js";
import type { TestKey } from "./test-key.js";

export interface SignParts {
  gatewayId?: string;
  nonce?: string;
  origin?: string;
  signedAtMs?: number;
  publicKeyB64u?: string;
}

export function signedHello(
  key: TestKey,
  challenge: ChallengeFrame,
  parts: SignParts = {},
  overrides: Record<string, unknown> = {},
): HelloFrame & Record<string, unknown> {
  const signedAtMs = parts.signedAtMs ?? Date.now();
  const publicKeyB64u = parts.publicKeyB64u ?? key.publicKeyB64u;
  const bytes = buildSignedBytes({
    gatewayId: parts.gatewayId ?? challenge.gatewayId,
    nonce: parts.nonce ?? challenge.nonce,
    origin: parts.origin ?? "",
    publicKeyB64u,
    signedAtMs,
  });
  return {
    type: "hello",
    protocol: PROTOCOL_VERSION,
    publicKey: publicKeyB64u,
    signedAtMs,
    signature: encodeB64u(key.sign(bytes)),
    keyStorage: "webcrypto",
    client: { name: "Test browser", userAgent: "pairgate-test" },
    ...overrides,
  };
}
