// The stores an app picks from. Anything that implements DeviceStore works too.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { DeviceStore } from "../store/device-store.js";
import { MemoryStore } from "../store/memory-store.js";
import { SqliteStore } from "../store/sqlite-store.js";

/** SQLite in `<dir>/pairgate.db` (the directory is created, mode 0700): durable, one process. */
export function sqliteStore(dir: string): DeviceStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return new SqliteStore(join(dir, "pairgate.db"));
}

/**
 * A shared PostgreSQL database (several replicas of the app on one database, docs/scaling.md): migrated at open,
 * changes from other replicas reach this one's sockets. Rejects with a StoreError when it can't be used.
 */
export async function postgresStore(url: string, opts: { replicaId?: string; onError?: (message: string) => void } = {}): Promise<DeviceStore> {
  // Loaded on first use: the pg client costs a process on SQLite about 5 MB of RSS it would never use.
  const { PostgresStore } = await import("../store/postgres-store.js");
  return PostgresStore.open(url, { ...opts, replicaId: opts.replicaId ?? `rep_${randomBytes(9).toString("base64url")}` });
}

/** Everything in memory, gone when the process ends: for tests and demos only. */
export function memoryStore(): DeviceStore {
  return new MemoryStore();
}
