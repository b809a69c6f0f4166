// Seeds paired devices and their app sessions into a state dir's SQLite store before a gateway starts (its
// session registry reads them at start): for tests of the admin views of sessions, apart from how sessions are made.
import { join } from "node:path";
import { SqliteStore } from "../../server/src/store/sqlite-store.js";
import type { DeviceRecord, SessionRecord } from "../../server/src/store/device-store.js";
import { deviceIdFromPublicKey, fingerprintFromPublicKey } from "../../shared/index.js";
import { makeTestKey } from "./test-key.js";

const HOUR = 3600_000;

export function seedDevice(name: string, nowMs = Date.now()): DeviceRecord {
  const publicKey = makeTestKey().publicKey;
  return {
    id: deviceIdFromPublicKey(publicKey),
    publicKey,
    fingerprint: fingerprintFromPublicKey(publicKey),
    name,
    role: "viewer",
    keyStorage: "webcrypto",
    userAgent: "pairgate-test",
    createdAtMs: nowMs - 2 * HOUR,
    approvedAtMs: nowMs - 2 * HOUR,
    approvedBy: "test seed",
    approvedVia: "cli",
    lastSeenAtMs: null,
    lastSeenAddress: null,
    lastSeenClass: null,
    revokedAtMs: null,
    revokedBy: null,
  };
}

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
