// Keeps every paired session's gateway counts live (event gateway.counts), so a viewer's home, which gets no
// devices list, still shows the right number of devices, pending requests and devices online.
// Cheap by construction: the store is counted only after a pairing event (approve, revoke, request, expiry);
// presence changes reuse the stored counts with the hub's online figure; at most one send per interval, and
// only when a number changed.
import type { GatewayCounts } from "../../../shared/index.js";
import type { DeviceStore } from "../store/device-store.js";
import type { Session } from "./session.js";
import type { Timers } from "./socket.js";

export const COUNTS_BROADCAST_MS = 1000;

export interface CountsDeps {
  store: DeviceStore;
  now(): number;
  timers: Timers;
  onError(err: unknown): void;
  /** Every authenticated session. */
  sessions(): Iterable<Session>;
  /** Devices with at least one open session. */
  onlineDevices(): number;
}

export class CountsBroadcast {
  private stored: Promise<Omit<GatewayCounts, "online">> | null = null;
  private lastSent: GatewayCounts | null = null;
  private isScheduled = false;

  constructor(private readonly deps: CountsDeps) {}

  /** Devices or pending requests changed: count the store again on the next send. */
  storeChanged(): void {
    this.stored = null;
    this.schedule();
  }

  /** A session opened or closed. */
  presenceChanged(): void {
    this.schedule();
  }

  private async current(): Promise<GatewayCounts> {
    this.stored ??= this.countStore();
    const stored = await this.stored;
    return { ...stored, online: this.deps.onlineDevices() };
  }

  private countStore(): Promise<Omit<GatewayCounts, "online">> {
    const { store, now } = this.deps;
    const counting = Promise.all([store.countDevices(), store.listLivePending(now())]).then(([devices, pending]) => ({ devices, pending: pending.length }));
    // A failed count is not cached: the next call tries again.
    counting.catch(() => {
      if (this.stored === counting) this.stored = null;
    });
    return counting;
  }

  private schedule(): void {
    if (this.isScheduled) return;
    this.isScheduled = true;
    this.deps.timers.set(() => {
      this.isScheduled = false;
      void this.send().catch(this.deps.onError);
    }, COUNTS_BROADCAST_MS);
  }

  private async send(): Promise<void> {
    // Nobody to tell (also the case while the gateway stops, when the store may already be closed).
    if (this.deps.onlineDevices() === 0) return;
    const counts = await this.current();
    const last = this.lastSent;
    if (last && last.devices === counts.devices && last.pending === counts.pending && last.online === counts.online) return;
    this.lastSent = counts;
    // Serialised once for every session: with thousands of sockets open this runs each second a handshake happens.
    const frame = { type: "event", event: "gateway.counts", data: { counts } } as const;
    const text = JSON.stringify(frame);
    for (const conn of this.deps.sessions()) conn.sendEvent(frame, text);
  }
}
