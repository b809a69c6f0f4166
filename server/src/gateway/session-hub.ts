// Who is connected: authenticated sockets by device, waiting sockets by request, admin sessions.
// It turns pairing events into frames (welcome on approval, close on revoke, list diffs for admins).
import {
  DEVICES_PAGE_DEFAULT,
  decodeDeviceCursor,
  encodeDeviceCursor,
  PairgateError,
  type DevicesListParams,
  type DevicesListResult,
  type AppEventFrame,
  type EventData,
  type EventFrame,
  type PendingView,
  type Role,
} from "../../../shared/index.js";
import type { PairingEvent } from "../pairing/events.js";
import { revokedMessage } from "../pairing/pairing-service.js";
import { suggestedReplacement } from "../pairing/replacement.js";
import type { DeviceRecord, DeviceStore, LastSeen } from "../store/device-store.js";
import { CountsBroadcast } from "./counts-broadcast.js";
import { chunkDiff, DevicesDiff } from "./devices-diff.js";
import type { Session } from "./session.js";
import type { Timers } from "./socket.js";
import { toDeviceView, toInviteView, toPairedNotice, toPendingView } from "./views.js";

/** Waiting sockets per pending request; a newer one closes the oldest (`superseded`). Two covers a reload race. */
export const MAX_WAITING_PER_REQUEST = 2;

/** Presence changes (connects/disconnects) reach admin tabs at most this often; real changes go at once. */
const PRESENCE_BROADCAST_MS = 1000;

/**
 * A device's last-seen row is written at most this often: a device that reconnects every second costs one write a
 * minute, not one per handshake. A device that stays connected is written this often too, so that "last active"
 * stays true for it and idle expiry (judged from the row, by any gateway on the database) never takes it.
 */
export const LAST_SEEN_WRITE_MS = 60_000;

export class SessionHub {
  private readonly byDevice = new Map<string, Set<Session>>();
  private readonly byRequest = new Map<string, Set<Session>>();
  private readonly admins = new Set<Session>();
  private readonly lastSeen = new Map<string, LastSeen>();
  /** When each device's last-seen row was last written by this process (only the last minute's are kept). */
  private readonly lastSeenWrittenAtMs = new Map<string, number>();
  private diff = new DevicesDiff();
  /** The seq of the last devices.changed sent; a devices.list reply carries it so a tab knows where it stands. */
  private seq = 0;
  /** Broadcasts run one after another, so seqs go out in the order their changes were taken. */
  private broadcasting: Promise<void> = Promise.resolve();
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

  addPending(conn: Session, requestId: string): void {
    const waiting = this.byRequest.get(requestId);
    while (waiting && waiting.size >= MAX_WAITING_PER_REQUEST) {
      const oldest = waiting.values().next().value!; // a Set keeps insertion order
      waiting.delete(oldest);
      oldest.reject("superseded");
    }
    const wasOnline = this.isRequestOnline(requestId);
    addTo(this.byRequest, requestId, conn);
    if (!wasOnline) this.pendingChanged(); // "tab closed" → waiting, live on admins' Devices pages
  }

  /** Sockets waiting on pending requests: their own pool, outside the unauthenticated one. */
  get waitingSockets(): number {
    let n = 0;
    for (const set of this.byRequest.values()) n += set.size;
    return n;
  }

  addAuthenticated(conn: Session, device: DeviceRecord): number {
    if (conn.request) removeFrom(this.byRequest, conn.request.id, conn);
    addTo(this.byDevice, device.id, conn);
    if (device.role === "admin") this.admins.add(conn);
    this.touch(conn, device.id);
    this.scheduleBroadcast(PRESENCE_BROADCAST_MS);
    this.counts.presenceChanged();
    return this.onlineCount(device.id);
  }

  remove(conn: Session): void {
    if (conn.request && this.byRequest.get(conn.request.id)?.has(conn)) {
      removeFrom(this.byRequest, conn.request.id, conn);
      if (!this.isRequestOnline(conn.request.id)) this.pendingChanged(); // the last tab went away
    }
    if (conn.device) {
      removeFrom(this.byDevice, conn.device.id, conn);
      this.admins.delete(conn);
      this.touch(conn, conn.device.id);
      this.scheduleBroadcast(PRESENCE_BROADCAST_MS);
      this.counts.presenceChanged();
    }
  }

  private touch(conn: Session, deviceId: string): void {
    const atMs = this.now();
    this.lastSeen.set(deviceId, { deviceId, atMs, ...conn.info.seenFrom });
    if (this.admins.size > 0) this.diff.touch(deviceId, { atMs, seenFrom: conn.info.seenFrom });
  }

  /**
   * Hands batched last-seen updates to the store; called on a timer, and at shutdown with `all` to write everything.
   * An update for a device written less than LAST_SEEN_WRITE_MS ago waits for a later flush.
   */
  async flushLastSeen(opts: { all?: boolean } = {}): Promise<void> {
    const now = this.now();
    const isDue = (deviceId: string) => opts.all || now - (this.lastSeenWrittenAtMs.get(deviceId) ?? -Infinity) >= LAST_SEEN_WRITE_MS;
    for (const [deviceId, conns] of this.byDevice) {
      const conn = conns.values().next().value;
      if (conn && isDue(deviceId)) this.lastSeen.set(deviceId, { deviceId, atMs: now, ...conn.info.seenFrom });
    }
    const entries = [...this.lastSeen.values()].filter((e) => isDue(e.deviceId));
    for (const [deviceId, atMs] of this.lastSeenWrittenAtMs) if (now - atMs >= LAST_SEEN_WRITE_MS) this.lastSeenWrittenAtMs.delete(deviceId);
    if (entries.length === 0) return;
    for (const e of entries) {
      this.lastSeen.delete(e.deviceId);
      this.lastSeenWrittenAtMs.set(e.deviceId, now);
    }
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

  private *sessions(): Iterable<Session> {
    for (const conns of this.byDevice.values()) yield* conns;
  }

  /** The device id of a request a socket here waits on (for reading its rows at once across replicas). */
  waitingDeviceId(requestId: string): string | undefined {
    return this.byRequest.get(requestId)?.values().next().value?.request?.deviceId;
  }

  isRequestOnline(requestId: string): boolean {
    return (this.byRequest.get(requestId)?.size ?? 0) > 0;
  }

  // ---- pairing events → frames ----

  handle(event: PairingEvent): void {
    this.counts.storeChanged(); // every pairing event may change the number of devices or pending requests
    switch (event.type) {
      case "pairing.requested":
        this.toAdmins({
          type: "event",
          event: "pairing.requested",
          data: { request: toPendingView(event.request, this.isRequestOnline(event.request.id), null) },
        });
        return this.pendingChanged();
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
        if (event.outcome === "approved") {
          this.diff.upsert(event.device);
          this.announcePaired(event.device);
        }
        return this.pendingChanged();
      }
      case "device.revoked": {
        const conns = [...(this.byDevice.get(event.device.id) ?? [])];
        const reason = event.device.revokedReason ?? "revoked";
        const data = { deviceId: event.device.id, byName: event.byName, atMs: event.atMs, reason };
        for (const conn of conns) {
          conn.sendEvent({ type: "event", event: "device.revoked", data });
          conn.reject("device_revoked", revokedMessage(event.byName, reason), undefined, { byName: event.byName, atMs: event.atMs, reason });
        }
        this.diff.remove(event.device);
        return this.scheduleBroadcast(0);
      }
      case "device.updated": {
        for (const conn of this.byDevice.get(event.device.id) ?? []) {
          conn.updateDevice(event.device);
          conn.sendEvent({
            type: "event",
            event: "device.updated",
            data: { device: toDeviceView(event.device, this.onlineCount(event.device.id), event.device.id) },
          });
        }
        this.diff.upsert(event.device);
        return this.scheduleBroadcast(0);
      }
      case "device.added":
        this.diff.upsert(event.device);
        this.announcePaired(event.device);
        return this.scheduleBroadcast(0);
      case "invites.changed":
        this.diff.isInvitesChanged = true;
        return this.scheduleBroadcast(0);
    }
  }

  private pendingChanged(): void {
    this.diff.isPendingChanged = true;
    this.scheduleBroadcast(0);
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

  /**
   * "New browser paired": every paired session hears of it, viewers too, as every linked device does in Signal, so
   * a pairing nobody expected is noticed. The new device's own tabs (just welcomed) are not told about themselves.
   */
  private announcePaired(device: DeviceRecord): void {
    const frame: EventFrame = { type: "event", event: "devices.paired", data: { device: toPairedNotice(device) } };
    const text = JSON.stringify(frame);
    for (const conn of this.sessions()) if (conn.device?.id !== device.id) conn.sendEvent(frame, text);
  }

  /** A security alert for every admin tab (a burst of refused handshakes from one source). */
  alertAdmins(data: EventData<"gateway.alert">): void {
    this.toAdmins({ type: "event", event: "gateway.alert", data });
  }

  private toAdmins(frame: EventFrame): void {
    for (const conn of this.admins) conn.sendEvent(frame);
  }

  /** One page of devices (params.cursor, params.limit) matching params.query, plus every live request and invite. */
  async listDevices(currentDeviceId: string | undefined, params: DevicesListParams): Promise<DevicesListResult> {
    // Taken before reading: a change committed meanwhile comes again in a later diff, and diffs are idempotent.
    const seq = this.seq;
    const after = params.cursor === undefined ? undefined : decodeDeviceCursor(params.cursor);
    if (after === null) throw new PairgateError("invalid_params", "cursor: not a cursor from devices.list.");
    const limit = params.limit ?? DEVICES_PAGE_DEFAULT;
    const filter = { includeRevoked: params.includeRevoked ?? false, ...(params.query ? { query: params.query } : {}) };
    const page = await this.store.listDevicesPage({ ...filter, ...(after ? { after } : {}), limit: limit + 1 });
    const devices = page.slice(0, limit);
    const last = devices.at(-1);
    return {
      devices: devices.map((d) => toDeviceView(d, this.onlineCount(d.id), currentDeviceId)),
      total: await this.store.countDevices(filter),
      nextCursor: page.length > limit && last ? encodeDeviceCursor(last) : null,
      seq,
      pending: await this.pendingViews(currentDeviceId),
      invites: await this.inviteViews(),
    };
  }

  /**
   * Live requests, each with the device it may replace (same name and user agent, not in use). An admin's own device
   * is online, so `currentDeviceId` matters only for a caller not connected by a socket here.
   */
  private async pendingViews(currentDeviceId?: string): Promise<PendingView[]> {
    const pending = await this.store.listLivePending(this.now());
    const inUse = (id: string) => id === currentDeviceId || this.onlineCount(id) > 0;
    return Promise.all(pending.map(async (p) => toPendingView(p, this.isRequestOnline(p.id), await suggestedReplacement(this.store, p, inUse))));
  }

  private async inviteViews() {
    const now = this.now();
    return (await this.store.listInvites()).map((i) => toInviteView(i, now));
  }

  /** Coalesces diffs for admin tabs; a sooner request replaces a later one. */
  private scheduleBroadcast(delayMs: number): void {
    if (this.admins.size === 0) {
      // Nobody to tell; a tab that opens later starts from devices.list. Runs twice per handshake, so an empty diff
      // (the usual case: touch() records nothing without admins) is kept rather than replaced by three new maps.
      if (!this.diff.isEmpty()) this.diff = new DevicesDiff();
      return;
    }
    const due = this.now() + delayMs;
    if (this.broadcastDueAtMs !== null && this.broadcastDueAtMs <= due) return;
    this.cancelBroadcast();
    this.broadcastDueAtMs = due;
    this.cancelBroadcast = this.timers.set(() => {
      this.broadcastDueAtMs = null;
      this.broadcasting = this.broadcasting.then(() => this.broadcastDiff()).catch(this.onError);
    }, delayMs);
  }

  /**
   * Sends what changed as devices.changed, serialised once for every admin tab. Only a tab whose own device is
   * among the upserts gets its own copy, with `current` set.
   */
  private async broadcastDiff(): Promise<void> {
    const diff = this.diff;
    this.diff = new DevicesDiff();
    if (this.admins.size === 0 || diff.isEmpty()) return;
    const body = chunkDiff({
      upserts: [...diff.upserts.values()].map((d) => toDeviceView(d, this.onlineCount(d.id))),
      removed: [...diff.removed.values()].map((d) => ({ id: d.id, name: d.name, fingerprint: d.fingerprint, approvedAtMs: d.approvedAtMs })),
      presence: [...diff.presence].map(([id, t]) => ({ id, online: this.onlineCount(id), lastSeenAtMs: t.atMs, lastSeenFrom: t.seenFrom })),
      ...(diff.isPendingChanged ? { pending: await this.pendingViews() } : {}),
      ...(diff.isInvitesChanged ? { invites: await this.inviteViews() } : {}),
    });
    for (const chunk of body) {
      const frame: EventFrame = { type: "event", event: "devices.changed", data: { seq: ++this.seq, ...chunk } };
      const text = JSON.stringify(frame);
      for (const conn of this.admins) {
        const own = conn.device?.id;
        if (own === undefined || !diff.upserts.has(own)) conn.sendEvent(frame, text);
        else conn.sendEvent({ ...frame, data: { ...frame.data, upserts: frame.data.upserts.map((d) => (d.id === own ? { ...d, current: true } : d)) } });
      }
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
