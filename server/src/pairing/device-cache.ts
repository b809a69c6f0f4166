// Active device rows cached by id for the handshake, so that a reconnecting browser costs no database read (on
// Postgres that read is a round trip). A row is dropped on every change that could make it stale: this process's
// own changes (its pairing events), and other replicas' changes the moment their NOTIFY arrives, before anything
// reads the new rows. While the change feed is down nothing is served from the cache, and a resync empties it,
// because changes made meanwhile were never announced.
import type { DeviceRecord, DeviceStore } from "../store/device-store.js";

const MAX_CACHED_DEVICES = 50_000;

export class DeviceCache {
  private readonly rows = new Map<string, DeviceRecord>();
  /** Bumped by every invalidation: a read that started before one must not put its (maybe stale) row back. */
  private epoch = 0;

  constructor(private readonly store: DeviceStore) {
    store.changes?.subscribe({
      onChange: (change) => {
        if (change.type.startsWith("device.")) this.forget(change.id);
      },
      onResync: () => this.clear(),
    });
  }

  /** The device row, from the cache when it can be trusted, else from the store. Revoked rows are never cached. */
  async get(id: string): Promise<DeviceRecord | null> {
    if (this.store.changes && !this.store.changes.health().listening) {
      this.clear();
      return this.store.getDevice(id);
    }
    const hit = this.rows.get(id);
    if (hit) return hit;
    const epoch = this.epoch;
    const row = await this.store.getDevice(id);
    if (row && row.revokedAtMs === null && epoch === this.epoch) {
      if (this.rows.size >= MAX_CACHED_DEVICES) this.rows.delete(this.rows.keys().next().value!);
      this.rows.set(id, row);
    }
    return row;
  }

  forget(id: string): void {
    this.epoch++;
    this.rows.delete(id);
  }

  clear(): void {
    this.epoch++;
    this.rows.clear();
  }
}
