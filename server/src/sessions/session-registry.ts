// Device sessions of the front door, held in memory so that checking a cookie never touches the disk. The store
// is the durable copy: read whole at start (and after a resync), written on create and end, and last use is
// written lazily in batches. Events keep the map true: a revoked device loses its sessions here at once, and on
// a shared store other replicas' creates and ends arrive as ids (docs/front-door.md, "Sessions").
import { hash } from "node:crypto";
import { encodeB64u, type Role } from "../../../shared/index.js";
import type { PairingEvent } from "../pairing/events.js";
import type { DeviceRecord, DeviceStore, SessionRecord, StoreChange } from "../store/device-store.js";

export const DEFAULT_SESSION_IDLE_MS = 12 * 3600_000;
export const DEFAULT_SESSION_MAX_AGE_MS = 7 * 24 * 3600_000;
/** Bytes of randomness in a session cookie. */
const TOKEN_BYTES = 32;

export interface SessionLifetimes {
  /** A session unused this long ends (sliding). */
  idleMs: number;
  /** A session ends this long after it was made, used or not. */
  maxAgeMs: number;
}

/** Who a valid session stands for: what the front door sends upstream and requireDevice() puts on the request. */
export interface SessionIdentity {
  sessionId: string;
  deviceId: string;
  name: string;
  role: Role;
}

/** A session as admins and the library API see it; never the cookie or its hash. */
export interface SessionView {
  id: string;
  deviceId: string;
  createdAtMs: number;
  lastUsedAtMs: number;
  /** When it ends if unused from now on: the earlier of the idle and the absolute end. */
  expiresAtMs: number;
}

interface LiveSession extends SessionRecord {
  name: string;
  role: Role;
}

export interface SessionRegistryDeps extends SessionLifetimes {
  store: DeviceStore;
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
  onError: (err: unknown) => void;
}

// The one-shot hash: a cookie is checked on every request, and this skips createHash's Hash object and stream setup.
export const hashSessionToken = (token: string): string => hash("sha256", token, "hex");

export class SessionRegistry {
  private readonly byHash = new Map<string, LiveSession>();
  private readonly byId = new Map<string, LiveSession>();
  /** Sessions used since the last flush. */
  private readonly touched = new Set<string>();
  private readonly endListeners = new Set<(sessionId: string) => void>();

  constructor(private readonly deps: SessionRegistryDeps) {}

  /** Reads every stored session of an active device; replaces what was held. */
  async load(): Promise<void> {
    const records = await this.deps.store.listSessions();
    const devices = new Map<string, DeviceRecord | null>();
    for (const r of records) if (!devices.has(r.deviceId)) devices.set(r.deviceId, await this.deps.store.getDevice(r.deviceId));
    this.byHash.clear();
    this.byId.clear();
    for (const r of records) {
      const device = devices.get(r.deviceId);
      if (device && device.revokedAtMs === null) this.hold(r, device);
    }
  }

  /** The identity behind a cookie value, or null; slides the idle timeout. In memory only: no disk I/O. */
  check(token: string): SessionIdentity | null {
    if (!token) return null;
    const s = this.byHash.get(hashSessionToken(token));
    if (!s) return null;
    const now = this.deps.now();
    if (!this.isLive(s, now)) {
      this.drop(s);
      return null;
    }
    s.lastUsedAtMs = now;
    this.touched.add(s.id);
    return { sessionId: s.id, deviceId: s.deviceId, name: s.name, role: s.role };
  }

  /** A new session for an active device; returns the cookie value, which is stored nowhere. */
  async create(device: DeviceRecord): Promise<{ token: string; session: SessionView }> {
    const token = encodeB64u(this.deps.randomBytes(TOKEN_BYTES));
    const now = this.deps.now();
    const record: SessionRecord = {
      id: `ses_${encodeB64u(this.deps.randomBytes(12))}`,
      tokenHash: hashSessionToken(token),
      deviceId: device.id,
      createdAtMs: now,
      lastUsedAtMs: now,
      expiresAtMs: now + this.deps.maxAgeMs,
    };
    await this.deps.store.createSession(record);
    this.hold(record, device);
    return { token, session: this.view(record) };
  }

  async end(id: string): Promise<boolean> {
    const s = this.byId.get(id);
    if (s) this.drop(s);
    return (await this.deps.store.endSession(id)) || s !== undefined;
  }

  async endForDevice(deviceId: string): Promise<number> {
    const held = this.dropDevice(deviceId);
    return Math.max(held, await this.deps.store.endDeviceSessions(deviceId));
  }

  list(opts: { deviceId?: string } = {}): SessionView[] {
    const now = this.deps.now();
    return [...this.byId.values()]
      .filter((s) => (opts.deviceId === undefined || s.deviceId === opts.deviceId) && this.isLive(s, now))
      .sort((a, b) => b.lastUsedAtMs - a.lastUsedAtMs || (a.id < b.id ? -1 : 1))
      .map((s) => this.view(s));
  }

  /** Called with each session that ends here, however it ends (revoke, end, expiry, another replica). */
  onEnd(listener: (sessionId: string) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /** Pairing events from this replica or another: a revoked device's sessions end here at once. */
  handle(event: PairingEvent): void {
    if (event.type === "device.revoked") this.dropDevice(event.device.id);
    else if (event.type === "device.updated") for (const s of this.byId.values()) if (s.deviceId === event.device.id) s.name = event.device.name;
  }

  /** Session changes another replica committed (ids only): read the row, or drop what ended. */
  async applyChange(change: StoreChange): Promise<void> {
    if (change.type === "session.ended") {
      const s = this.byId.get(change.id);
      if (s) this.drop(s);
    } else if (change.type === "device.sessions_ended") this.dropDevice(change.id);
    else if (change.type === "session.created") {
      const record = await this.deps.store.getSession(change.id);
      const device = record && (await this.deps.store.getDevice(record.deviceId));
      if (record && device && device.revokedAtMs === null) this.hold(record, device);
    }
  }

  /** Writes last use of the sessions used since the last flush, in one batch. */
  async flush(): Promise<void> {
    if (this.touched.size === 0) return;
    const entries = [...this.touched].flatMap((id) => {
      const s = this.byId.get(id);
      return s ? [{ id, lastUsedAtMs: s.lastUsedAtMs }] : [];
    });
    this.touched.clear();
    await this.deps.store.touchSessions(entries);
  }

  /** Forgets ended sessions here and deletes them from the store. */
  async sweep(): Promise<void> {
    const now = this.deps.now();
    for (const s of [...this.byId.values()]) if (!this.isLive(s, now)) this.drop(s);
    await this.deps.store.deleteExpiredSessions(now, now - this.deps.idleMs);
  }

  private isLive(s: SessionRecord, now: number): boolean {
    return now < s.expiresAtMs && now - s.lastUsedAtMs < this.deps.idleMs;
  }

  private view(s: SessionRecord): SessionView {
    return {
      id: s.id,
      deviceId: s.deviceId,
      createdAtMs: s.createdAtMs,
      lastUsedAtMs: s.lastUsedAtMs,
      expiresAtMs: Math.min(s.expiresAtMs, s.lastUsedAtMs + this.deps.idleMs),
    };
  }

  private hold(r: SessionRecord, device: DeviceRecord): void {
    const live: LiveSession = { ...r, name: device.name, role: device.role };
    this.byHash.set(r.tokenHash, live);
    this.byId.set(r.id, live);
  }

  private drop(s: LiveSession): void {
    this.byHash.delete(s.tokenHash);
    this.byId.delete(s.id);
    this.touched.delete(s.id);
    for (const fn of this.endListeners) {
      try {
        fn(s.id);
      } catch (err) {
        this.deps.onError(err);
      }
    }
  }

  private dropDevice(deviceId: string): number {
    let n = 0;
    for (const s of [...this.byId.values()]) if (s.deviceId === deviceId) n++, this.drop(s);
    return n;
  }
}
