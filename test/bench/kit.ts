// What the plain-JS benchmark processes borrow from the product, bundled once by test/bench/run.js into
// dist/bench/kit.js: the protocol's own signed bytes and device ids, the real store for seeding, and the container
// tests' podman scaffolding, and the front door's nginx config as docs/front-door.md gives it.
import { PostgresStore } from "../../server/src/store/postgres-store.js";
import { SqliteStore } from "../../server/src/store/sqlite-store.js";
import { deviceRecord } from "../support/seed-sessions.js";
import { buildSignedBytes, deviceIdFromPublicKey, encodeB64u, fingerprintFromPublicKey, PROTOCOL_VERSION, SUBPROTOCOL, WS_PATH } from "../../shared/index.js";

export { ensureBaseImages } from "../support/container/base-images.js";
export { buildImage } from "../support/container/image.js";
export { podman, podmanUnavailable } from "../support/container/podman.js";
export { frontDoorNginxSite, withoutMaps } from "../support/deploy/front-door-configs.js";
export { freePort, startNginx } from "../support/deploy/proxies.js";
export { buildSignedBytes, deviceIdFromPublicKey, encodeB64u, fingerprintFromPublicKey, PROTOCOL_VERSION, SUBPROTOCOL, WS_PATH };

/**
 * The documented seeding path: paired device rows written through the store's `insertDevices` (one transaction)
 * into `<stateDir>/pairgate.db`, or into the Postgres database a postgres:// URL names, while no gateway is
 * running. The store creates the schema if it is new.
 */
export async function seedDevices(dbFile: string, publicKeys: Uint8Array[], opts: { role?: "admin" | "viewer"; nowMs?: number } = {}): Promise<number> {
  const nowMs = opts.nowMs ?? Date.now();
  const devices = publicKeys.map((publicKey, i) =>
    deviceRecord(publicKey, `bench device ${i}`, { role: opts.role ?? "viewer", approvedAtMs: nowMs, approvedBy: "bench seed", userAgent: "pairgate-bench" }),
  );
  const store = dbFile.startsWith("postgres://") ? await PostgresStore.open(dbFile, { replicaId: "bench-seed" }) : new SqliteStore(dbFile);
  try {
    await store.insertDevices(devices);
  } finally {
    await store.close();
  }
  return devices.length;
}
