// What the pairing service announces after each committed change. The gateway's session hub turns these
// into frames for the affected sockets (the "back as events" half of the data flow).
import type { DeviceRecord, PendingRecord } from "../store/device-store.js";

export type PairingEvent =
  | { type: "pairing.requested"; request: PendingRecord }
  | { type: "pairing.resolved"; request: PendingRecord; outcome: "approved"; device: DeviceRecord }
  | { type: "pairing.resolved"; request: PendingRecord; outcome: "rejected" | "expired" }
  | { type: "device.revoked"; device: DeviceRecord; byName: string; atMs: number }
  | { type: "device.updated"; device: DeviceRecord }
  /** Paired without a request: an invite was redeemed. */
  | { type: "device.added"; device: DeviceRecord }
  | { type: "invites.changed" };

export type PairingListener = (event: PairingEvent) => void;

export class PairingEvents {
  private readonly listeners = new Set<PairingListener>();

  subscribe(listener: PairingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: PairingEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
