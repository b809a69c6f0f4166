// Who is connected: authenticated sockets by device, waiting sockets by request, admin sessions.
// It turns pairing events into frames (welcome on approval, close on revoke, live lists for admins).
import type { AppEventFrame, DevicesListResult, EventFrame, Role } from "../../../shared/index.js";
import type { PairingEvent } from "../pairing/events.js";
import type { DeviceRecord, DeviceStore, LastSeen } from "../store/device-store.js";
import type { Connection } from "./connection.js";
import { CountsBroadcast } from "./counts-broadcast.js";
import type { Timers } from "./socket.js";
import { suggestedReplacement } from "../pairing/replacement.js";
import { toDeviceView, toInviteView, toPendingView } from "./views.js";

/** Waiting sockets per pending request; a newer one closes the oldest (`superseded`). Two covers a reload race. */
export const MAX_WAITING_PER_REQUEST = 2;

/** Presence changes (connects/disconnects) refresh admin lists at most this often; real changes go at once. */
const PRESENCE_BROADCAST_MS = 1000;

export class SessionHub {
  private readonly byDevice = new Map<string, Set<Connection>>();
  private readonly byRequest = new Map<string, Set<Connection>>();
  private readonly admins = new Set<Connection>();
  private readonly lastSeen = new Map<string, LastSeen>();
  private broadcastDueAtMs: number | null = null;
  private cancelBroadcast: () => void = () => {};
  private readonly counts: CountsBroadcast;

  constructor(
    private readonly store: DeviceStore,
    private readonly now: () => number,
    private readonly timers: Timers,
    private readonly onError: (err: unknown) => void,
  ) {
    this.counts = new CountsBroadcast({ store, now, timers, onError, sessions: () => this.sessions(), onlineDevices: () => this.onlineDevices() });
  }

  // ---- connection lifecycle ----

  addPending(conn: Connection, requestId: string): void {
    const waiting = this.byRequest.get(requestId);
    while (waiting && waiting.size >= MAX_WAITING_PER_REQUEST) {
      const oldest = waiting.values().next().value!; // a Set keeps insertion order
      waiting.delete(oldest);
      oldest.reject("superseded");
    }
    const wasOnline = this.isRequestOnline(requestId);
    addTo(this.byRequest, requestId, conn);
    if (!wasOnline) this.scheduleListBroadcast(0); // "tab closed" → waiting, live on admins' Devices pages
  }

  /** Sockets waiting on pending requests: their own pool, outside the unauthenticated one. */
  get waitingSockets(): number {
    let n = 0;
    for (const set of this.byRequest.values()) n += set.size;
    return n;
  }

  addAuthenticated(conn: Connection, device: DeviceRecord): number {
    if (conn.request) removeFrom(this.byRequest, conn.request.id, conn);
    addTo(this.byDevice, device.id, conn);
    if (device.role === "admin") this.admins.add(conn);
    this.touch(conn, device.id);
    this.scheduleListBroadcast(PRESENCE_BROADCAST_MS);
    this.counts.presenceChanged();
    return this.onlineCount(device.id);
  }

  remove(conn: Connection): void {
    if (conn.request && this.byRequest.get(conn.request.id)?.has(conn)) {
      removeFrom(this.byRequest, conn.request.id, conn);
      if (!this.isRequestOnline(conn.request.id)) this.scheduleListBroadcast(0); // the last tab went away
    }
    if (conn.device) {
      removeFrom(this.byDevice, conn.device.id, conn);
      this.admins.delete(conn);
      this.touch(conn, conn.device.id);
      this.scheduleListBroadcast(PRESENCE_BROADCAST_MS);
      this.counts.presenceChanged();
    }
  }

  private touch(conn: Connection, deviceId: string): void {
    this.lastSeen.set(deviceId, { deviceId, atMs: this.now(), ...conn.info.seenFrom });
  }

  /** Hands batched last-seen updates to the store; called on a timer and at shutdown. */
  async flushLastSeen(): Promise<void> {
    if (this.lastSeen.size === 0) return;
    const entries = [...this.lastSeen.values()];
    this.lastSeen.clear();
    await this.store.recordLastSeen(entries);
  }

  onlineCount(deviceId: string): number {
    return this.byDevice.get(deviceId)?.size ?? 0;
  }

  onlineDevices(): number {
    return this.byDevice.size;
  }

  /** Devices with at least one open socket here, and requests with a waiting socket here (for a resync). */
  openDeviceIds(): string[] {
    return [...this.byDevice.keys()];
  }

  waitingRequestIds(): string[] {
    return [...this.byRequest.keys()];
  }

  private *sessions(): Iterable<Connection> {
    for (const conns of this.byDevice.values()) yield* conns;
  }

  isRequestOnline(requestId: string): boolean {
    return (this.byRequest.get(requestId)?.size ?? 0) > 0;
  }

  // ---- pairing events → frames ----

  handle(event: PairingEvent): void {
    this.counts.storeChanged(); // every pairing event may change the number of devices or pending requests
    switch (event.type) {
      case "pairing.requested":
        this.toAdmins({ type: "event", event: "pairing.requested", data: { request: toPendingView(event.request, this.isRequestOnline(event.request.id), null) } });
        return this.scheduleListBroadcast(0);
      case "pairing.resolved": {
        const waiting = [...(this.byRequest.get(event.request.id) ?? [])];
        this.byRequest.delete(event.request.id);
        for (const conn of waiting) {
          if (event.outcome === "approved") conn.promote(event.device);
          else conn.reject(event.outcome === "rejected" ? "pairing_rejected" : "pairing_expired");
        }
        this.toAdmins({
          type: "event",
          event: "pairing.resolved",
          data: { requestId: event.request.id, outcome: event.outcome, ...(event.outcome === "approved" ? { deviceId: event.device.id } : {}) },
        });
        return this.scheduleListBroadcast(0);
      }
      case "device.revoked": {
        const conns = [...(this.byDevice.get(event.device.id) ?? [])];
        const data = { deviceId: event.device.id, byName: event.byName, atMs: event.atMs };
        for (const conn of conns) {
          conn.sendEvent({ type: "event", event: "device.revoked", data });
          conn.reject("device_revoked", `This browser was removed by ${event.byName}.`, undefined, { byName: event.byName, atMs: event.atMs });
        }
        return this.scheduleListBroadcast(0);
      }
      case "device.updated": {
        for (const conn of this.byDevice.get(event.device.id) ?? []) {
          conn.device = event.device;
          conn.sendEvent({ type: "event", event: "device.updated", data: { device: toDeviceView(event.device, this.onlineCount(event.device.id), event.device.id) } });
        }
        return this.scheduleListBroadcast(0);
      }
      case "invites.changed":
        return this.scheduleListBroadcast(0);
    }
  }

  /** An app event to paired sockets: all, those with at least `role`, or one device's. Returns sockets reached. */
  publish(frame: AppEventFrame, to: { role: Role } | { deviceId: string } | undefined): number {
    let reached = 0;
    for (const [deviceId, conns] of this.byDevice) {
      if (to && "deviceId" in to && to.deviceId !== deviceId) continue;
      for (const conn of conns) {
        if (to && "role" in to && to.role === "admin" && conn.role !== "admin") continue;
        conn.sendEvent(frame);
        reached++;
      }
    }
    return reached;
  }

  private toAdmins(frame: EventFrame): void {
    for (const conn of this.admins) conn.sendEvent(frame);
  }

  async buildDeviceList(currentDeviceId: string | undefined, includeRevoked = false): Promise<DevicesListResult> {
    const now = this.now();
    const devices = await this.store.listDevices({ includeRevoked });
    const active = devices.filter((d) => d.revokedAtMs === null);
    const inUse = (id: string) => id === currentDeviceId || this.onlineCount(id) > 0;
    const pending = await this.store.listLivePending(now);
    const invites = await this.store.listInvites();
    return {
      devices: devices.map((d) => toDeviceView(d, this.onlineCount(d.id), currentDeviceId)),
      pending: pending.map((p) => toPendingView(p, this.isRequestOnline(p.id), suggestedReplacement(p, active, inUse))),
      invites: invites.map((i) => toInviteView(i, now)),
    };
  }

  /** Coalesces list refreshes for admin tabs; a sooner request replaces a later one. */
  private scheduleListBroadcast(delayMs: number): void {
    if (this.admins.size === 0) return;
    const due = this.now() + delayMs;
    if (this.broadcastDueAtMs !== null && this.broadcastDueAtMs <= due) return;
    this.cancelBroadcast();
    this.broadcastDueAtMs = due;
    this.cancelBroadcast = this.timers.set(() => {
      this.broadcastDueAtMs = null;
      void this.broadcastList().catch(this.onError);
    }, delayMs);
  }

  private async broadcastList(): Promise<void> {
    if (this.admins.size === 0) return;
    const list = await this.buildDeviceList(undefined);
    for (const conn of this.admins) {
      const current = conn.device?.id;
      conn.sendEvent({
        type: "event",
        event: "devices.changed",
        data: { ...list, devices: list.devices.map((d) => (d.id === current ? { ...d, current: true } : d)) },
      });
    }
  }
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
