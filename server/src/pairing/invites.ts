// Invite tokens ("token-authenticated pairing", docs/design.md#pairing): 32 random bytes, shown once in a URL fragment,
// stored only as SHA-256 so a copy of the database can't be used to pair.
import { createHash } from "node:crypto";
import { encodeB64u, INVITE_DEFAULT_TTL_MS, type Role } from "../../../shared/index.js";
import type { InviteRecord } from "../store/device-store.js";

export interface NewInvite {
  record: InviteRecord;
  /** Returned once to the creator; never stored or logged. */
  token: string;
}

export function hashInviteToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function createInvite(
  params: { role: Role; ttlMs?: number; label?: string; deviceExpiresInMs?: number },
  createdBy: string,
  nowMs: number,
  randomBytes: (n: number) => Uint8Array,
): NewInvite {
  const token = encodeB64u(randomBytes(32));
  return {
    token,
    record: {
      id: `inv_${encodeB64u(randomBytes(9))}`,
      tokenHash: hashInviteToken(token),
      role: params.role,
      label: params.label ?? "",
      createdAtMs: nowMs,
      createdBy,
      expiresAtMs: nowMs + (params.ttlMs ?? INVITE_DEFAULT_TTL_MS),
      usedAtMs: null,
      usedByDeviceId: null,
      revokedAtMs: null,
      deviceExpiresInMs: params.deviceExpiresInMs ?? null,
    },
  };
}

/** The link people open: the token rides in the fragment, which browsers never send to the server. */
export function inviteUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/#invite=${token}`;
}
