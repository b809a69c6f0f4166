// Keeps this replica's sockets true to a database that other replicas change too. A change another replica
// committed arrives as ids (see postgres-listener.ts); we read the rows and announce the same pairing event this
// replica would have made itself, so the session hub handles local and remote changes alike. After the change
// feed was down (NOTIFY has no replay) we resync: every open socket's device and every waiting socket's request
// is read again, and whatever changed meanwhile is announced.
import type { PairingEvent } from "../pairing/events.js";
import type { DeviceStore, StoreChange } from "../store/device-store.js";

export interface ResyncReport {
  atMs: number;
  durationMs: number;
  devicesChecked: number;
  requestsChecked: number;
  /** Devices found revoked (their sockets were closed) and requests found resolved (welcome or their error). */
  revoked: number;
  resolved: number;
  error: string | null;
}

export interface ReplicaSyncDeps {
  store: DeviceStore;
  /** Announces an event as if this replica had made the change (the pairing service's announceRemote). */
  announce: (event: PairingEvent) => void;
  /** Ids of the devices with an open socket here, and of the requests with a waiting socket here. */
  openDeviceIds: () => string[];
  waitingRequestIds: () => string[];
  /** The device id of a request a socket here waits on (it is fixed by the request's key), else undefined. */
  waitingDeviceId?: (requestId: string) => string | undefined;
  now: () => number;
  onError: (err: unknown) => void;
}

export class ReplicaSync {
  lastResync: ResyncReport | null = null;
  private unsubscribe: () => void = () => {};

  constructor(private readonly deps: ReplicaSyncDeps) {}

  start(): void {
    const changes = this.deps.store.changes;
    if (!changes) return;
    this.unsubscribe = changes.subscribe({
      onChange: (change) => void this.apply(change).catch(this.deps.onError),
      onResync: () => void this.resync(),
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  /** Reads what a change did and announces it; nothing when the rows say it no longer applies. */
  async apply(change: StoreChange): Promise<void> {
    const event = await this.eventFor(change);
    if (event) this.deps.announce(event);
  }

  private async eventFor(change: StoreChange): Promise<PairingEvent | null> {
    const { store } = this.deps;
    switch (change.type) {
      case "pairing.requested": {
        const request = await store.getPending(change.id);
        return request ? { type: "pairing.requested", request } : null;
      }
      case "pairing.resolved":
        return this.resolvedEvent(change.id);
      case "device.revoked":
        return this.revokedEvent(change.id);
      case "device.added": {
        const device = await store.getDevice(change.id);
        return device && device.revokedAtMs === null ? { type: "device.added", device } : null;
      }
      case "device.updated": {
        const device = await store.getDevice(change.id);
        return device && device.revokedAtMs === null ? { type: "device.updated", device } : null;
      }
      case "invites.changed":
        return { type: "invites.changed" };
      case "session.created":
      case "session.ended":
      case "device.sessions_ended":
        return null; // the session registry follows these itself (server/src/sessions/session-registry.ts)
    }
  }

  private async resolvedEvent(requestId: string): Promise<PairingEvent | null> {
    const { store } = this.deps;
    // A socket here waits on this request (the case someone is watching): its device id is known, so both rows
    // are read at once, one round trip before the welcome instead of two. Otherwise the request says which device.
    const known = this.deps.waitingDeviceId?.(requestId);
    const [request, knownDevice] = await Promise.all([store.getPending(requestId), known === undefined ? undefined : store.getDevice(known)]);
    if (!request || request.status === "pending") return null;
    if (request.status !== "approved") return { type: "pairing.resolved", request, outcome: request.status };
    const device = knownDevice !== undefined && request.deviceId === known ? knownDevice : await store.getDevice(request.deviceId);
    if (!device) return null;
    // Approved and revoked since (a fast admin, or a resync long after): the socket must not be welcomed.
    if (device.revokedAtMs !== null) return { type: "pairing.resolved", request, outcome: "rejected" };
    return { type: "pairing.resolved", request, outcome: "approved", device };
  }

  private async revokedEvent(deviceId: string): Promise<PairingEvent | null> {
    const device = await this.deps.store.getDevice(deviceId);
    if (!device || device.revokedAtMs === null) return null;
    const byName = device.revokedBy ?? "an admin";
    return { type: "device.revoked", device, byName, atMs: device.revokedAtMs };
  }

  /** Re-reads every open socket's device and waiting socket's request; never throws (the report says what failed). */
  async resync(): Promise<ResyncReport> {
    const started = this.deps.now();
    const report: ResyncReport = { atMs: started, durationMs: 0, devicesChecked: 0, requestsChecked: 0, revoked: 0, resolved: 0, error: null };
    try {
      for (const id of this.deps.openDeviceIds()) {
        report.devicesChecked++;
        const event = await this.revokedEvent(id);
        if (event) report.revoked++, this.deps.announce(event);
      }
      for (const id of this.deps.waitingRequestIds()) {
        report.requestsChecked++;
        const event = await this.resolvedEvent(id);
        if (event) report.resolved++, this.deps.announce(event);
      }
      // Admin lists may have missed anything; one refresh covers devices, requests and invites.
      this.deps.announce({ type: "invites.changed" });
    } catch (err) {
      report.error = err instanceof Error ? err.message : String(err);
      this.deps.onError(err);
    }
    report.durationMs = this.deps.now() - started;
    this.lastResync = report;
    return report;
  }
}
