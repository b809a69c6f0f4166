// The changes to the devices list since the last devices.changed, collected between broadcasts. Cost per change
// is one map write; nothing here reads the store, so presence at thousands of handshakes a second stays cheap.
import type { DevicesChanged, SeenFrom } from "../../../shared/index.js";
import type { DeviceRecord } from "../store/device-store.js";

/** Items per devices.changed frame, so that one frame stays far below MAX_SERVER_FRAME_BYTES (worst-case views). */
export const DIFF_CHUNK_ITEMS = { upserts: 200, removed: 1000, presence: 2000 } as const;

export interface LastTouch {
  atMs: number;
  seenFrom: SeenFrom;
}

export class DevicesDiff {
  upserts = new Map<string, DeviceRecord>();
  removed = new Map<string, DeviceRecord>();
  presence = new Map<string, LastTouch>();
  isPendingChanged = false;
  isInvitesChanged = false;

  upsert(device: DeviceRecord): void {
    this.upserts.set(device.id, device);
  }

  remove(device: DeviceRecord): void {
    this.upserts.delete(device.id);
    this.removed.set(device.id, device);
  }

  touch(deviceId: string, touch: LastTouch): void {
    this.presence.set(deviceId, touch);
  }

  isEmpty(): boolean {
    return !this.upserts.size && !this.removed.size && !this.presence.size && !this.isPendingChanged && !this.isInvitesChanged;
  }
}

type DiffBody = Omit<DevicesChanged, "seq">;

/** Splits one diff into frames of at most DIFF_CHUNK_ITEMS each; pending and invites ride in the first. */
export function chunkDiff(body: DiffBody): DiffBody[] {
  const { upserts, removed, presence } = DIFF_CHUNK_ITEMS;
  const count = Math.max(1, Math.ceil(body.upserts.length / upserts), Math.ceil(body.removed.length / removed), Math.ceil(body.presence.length / presence));
  return Array.from({ length: count }, (_, i) => ({
    upserts: body.upserts.slice(i * upserts, (i + 1) * upserts),
    removed: body.removed.slice(i * removed, (i + 1) * removed),
    presence: body.presence.slice(i * presence, (i + 1) * presence),
    ...(i === 0 && body.pending ? { pending: body.pending } : {}),
    ...(i === 0 && body.invites ? { invites: body.invites } : {}),
  }));
}
