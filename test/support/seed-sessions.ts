// Seeds paired devices and their app sessions into a state dir's SQLite store before a gateway starts (its
// session registry reads them at start): for tests of the admin views of sessions, apart from how sessions are made.
import { join } from "node:path";
import { SqliteStore } from "../../server/src/store/sqlite-store.js";
import type { DeviceRecord, SessionRecord } from "../../server/src/store/device-store.js";
import { deviceIdFromPublicKey, fingerprintFromPublicKey } from "../../shared/index.js";
import { makeTestKey } from "./test-key.js";

const HOUR = 3600_000;

/** A paired, active device row for `publicKey`, approved by the CLI at `approvedAtMs` (default: two hours ago). */
export function deviceRecord(
  publicKey: Uint8Array,
  name: string,
  opts: { role?: "admin" | "viewer"; approvedAtMs?: number; approvedBy?: string; userAgent?: string } = {},
): DeviceRecord {
  const atMs = opts.approvedAtMs ?? Date.now() - 2 * HOUR;
  return {
    id: deviceIdFromPublicKey(publicKey),
    publicKey,
    fingerprint: fingerprintFromPublicKey(publicKey),
    name,
    role: opts.role ?? "viewer",
    keyStorage: "webcrypto",
    userAgent: opts.userAgent ?? "pairgate-test",
    createdAtMs: atMs,
    approvedAtMs: atMs,
    approvedBy: opts.approvedBy ?? "test seed",
    approvedVia: "cli",
    lastSeenAtMs: null,
    lastSeenAddress: null,
    lastSeenClass: null,
    revokedAtMs: null,
    revokedBy: null,
    revokedReason: null,
    expiresAtMs: null,
  };
}

export const seedDevice = (name: string, nowMs = Date.now()): DeviceRecord => deviceRecord(makeTestKey().publicKey, name, { approvedAtMs: nowMs - 2 * HOUR });

/** A session made an hour before `nowMs`, ending a day after it. The token hash is a stand-in: no cookie opens it. */
export const seedSession = (id: string, deviceId: string, lastUsedAtMs: number, nowMs = Date.now()): SessionRecord => ({
  id,
  tokenHash: id.padEnd(64, "0"),
  deviceId,
  createdAtMs: nowMs - HOUR,
  lastUsedAtMs,
  expiresAtMs: nowMs + 24 * HOUR,
});

export async function seedStore(stateDir: string, devices: DeviceRecord[], sessions: SessionRecord[]): Promise<void> {
  const store = new SqliteStore(join(stateDir, "pairgate.db"));
  try {
    await store.insertDevices(devices);
    for (const s of sessions) await store.createSession(s);
  } finally {
    await store.close();
  }
}
