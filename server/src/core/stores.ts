// The stores an app picks from. Anything that implements DeviceStore works too: that interface is the seam a
// Postgres store (several replicas on one database) plugs into.
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

/** Everything in memory, gone when the process ends: for tests and demos only. */
export function memoryStore(): DeviceStore {
  return new MemoryStore();
}
