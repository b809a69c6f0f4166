// The pairing rules (docs/protocol.md#handshake, docs/design.md#pairing): who a verified key is, pending requests with
// stable codes, approval, rejection, expiry, revocation, invites. Pure logic over the store; time and randomness are
// injected.
import {
  buildSignedBytes,
  decodeB64u,
  deviceIdFromPublicKey,
  encodeB64u,
  fingerprintFromPublicKey,
  generateCode,
  MAX_CLOCK_SKEW_MS,
  normalizeCode,
  PAIRING_TTL_MS,
  PairgateError,
  PROTOCOL_VERSION,
  nameProblem,
  sanitizeClientName,
  type ApprovedVia,
  type HelloFrame,
  type RevokeReason,
  type Role,
  type SeenFrom,
} from "../../../shared/index.js";
import type { AuditInput, DeviceRecord, DeviceStore, PendingRecord } from "../store/device-store.js";
import { PairingEvents, type PairingEvent } from "./events.js";
import { limitKey } from "../net/limit-key.js";
import { StoreError } from "../store/store-error.js";
import { createInvite, hashInviteToken, type NewInvite } from "./invites.js";
import { suggestedReplacement } from "./replacement.js";
import { DeviceCache } from "./device-cache.js";
import type { SignatureVerifier } from "./verify-signature.js";

export interface PairingDeps {
  store: DeviceStore;
  verifier: SignatureVerifier;
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
  /** Uniform integer in [0, max); node's crypto.randomInt in production. */
  randomInt: (max: number) => number;
  /** Whether a device has an open session; a device in use is never replaced (pairing/replacement.ts). */
  isOnline?: (deviceId: string) => boolean;
  limits: { pendingPerAddress: number; pendingTotal: number };
  /** New pairing requests per address per minute; answers ms to wait, 0 when allowed. */
  requestRate: { hit(address: string, nowMs: number): number };
  /** Whether a tab is still waiting on this request; at a limit, a request nobody waits for is expired first. */
  hasWaitingTab: (requestId: string) => boolean;
  /** Devices not seen for this long expire (`start --idle-expiry`); null: off. */
  idleExpiryMs?: number | null;
}

/** Due devices one sweep expires at most; the next sweep (a second later) takes the rest. */
const EXPIRE_BATCH = 100;

/** Who did something: a dashboard session (its device) or the local CLI. */
export interface Actor {
  name: string;
  via: Exclude<ApprovedVia, "invite">;
  deviceId?: string;
}

export interface HelloContext {
  gatewayId: string;
  nonce: string;
  nonceExpiresAtMs: number;
  origin: string;
  seenFrom: SeenFrom;
}

export type HelloOutcome = { kind: "paired"; device: DeviceRecord; redeemedInvite: boolean } | { kind: "pending"; request: PendingRecord };

export class RevokedError extends PairgateError {
  constructor(
    readonly byName: string,
    readonly atMs: number,
    readonly reason: RevokeReason,
  ) {
    super("device_revoked", revokedMessage(byName, reason));
  }
}

/** What a revoked tab is told, in the error frame's message. */
export function revokedMessage(byName: string, reason: RevokeReason): string {
  return reason === "expired" ? "This browser's access expired." : `This browser was removed by ${byName}.`;
}

export class PairingService {
  readonly events = new PairingEvents();
  /** Device rows for the handshake; every event that changes a device drops its row (device-cache.ts). */
  private readonly devices: DeviceCache;
  private readonly deviceIds = new Map<string, string>();

  constructor(private readonly deps: PairingDeps) {
    this.devices = new DeviceCache(deps.store);
    this.events.subscribe((event) => {
      if (event.type === "device.revoked" || event.type === "device.updated" || event.type === "device.added") this.devices.forget(event.device.id);
      else if (event.type === "pairing.resolved" && event.outcome === "approved") this.devices.forget(event.device.id);
    });
  }

  /** Verifies a hello against this socket's challenge, then decides: paired, invited, pending or refused. */
  async handleHello(hello: HelloFrame, ctx: HelloContext): Promise<HelloOutcome> {
    const now = this.deps.now();
    if (hello.protocol !== PROTOCOL_VERSION) throw new PairgateError("protocol_mismatch");
    const publicKey = decodeB64u(hello.publicKey);
    const signature = decodeB64u(hello.signature);
    if (!publicKey || publicKey.length !== 32 || !signature || signature.length !== 64) {
      throw new PairgateError("bad_frame", "publicKey or signature is not canonical base64url");
    }
    if (now > ctx.nonceExpiresAtMs) throw new PairgateError("auth_failed", "The challenge expired.");
    if (Math.abs(hello.signedAtMs - now) > MAX_CLOCK_SKEW_MS) {
      throw new PairgateError("auth_failed", "This computer's clock is more than 2 minutes off the gateway's.");
    }
    const deviceId = this.deviceIdOf(hello.publicKey, publicKey);
    const signed = buildSignedBytes({
      gatewayId: ctx.gatewayId,
      nonce: ctx.nonce,
      origin: ctx.origin,
      publicKeyB64u: hello.publicKey,
      signedAtMs: hello.signedAtMs,
    });
    if (!this.deps.verifier.verify(deviceId, publicKey, signed, signature)) {
      throw new PairgateError("auth_failed", "The signature does not match this connection's challenge.");
    }

    const device = await this.devices.get(deviceId);
    if (device?.revokedAtMs != null) throw new RevokedError(device.revokedBy ?? "an admin", device.revokedAtMs, device.revokedReason ?? "revoked");
    if (device) {
      // Checked here as well as by the sweep: a device whose time ran out while the gateway was stopped, or since
      // the last sweep, never gets welcome. Only a comparison on the row already read, unless it is due.
      if (this.isDue(device, now) && (await this.expire(device, now))) throw new RevokedError("gateway", now, "expired");
      return { kind: "paired", device, redeemedInvite: false };
    }

    const base = { deviceId, publicKey, hello, seenFrom: ctx.seenFrom, now };
    if (hello.invite !== undefined) return { kind: "paired", device: await this.redeemInvite(hello.invite, base), redeemedInvite: true };
    return { kind: "pending", request: await this.requestPairing(base) };
  }

  /** The id is a pure function of the key (its SHA-256), kept per key so a reconnect skips the hash. */
  private deviceIdOf(publicKeyB64u: string, publicKey: Uint8Array): string {
    let id = this.deviceIds.get(publicKeyB64u);
    if (id === undefined) {
      id = deviceIdFromPublicKey(publicKey);
      if (this.deviceIds.size >= MAX_REMEMBERED_IDS) this.deviceIds.delete(this.deviceIds.keys().next().value!);
      this.deviceIds.set(publicKeyB64u, id);
    }
    return id;
  }

  private async redeemInvite(token: string, b: NewKey): Promise<DeviceRecord> {
    const invite = await this.deps.store.findInviteByHash(hashInviteToken(token));
    if (!invite) throw new PairgateError("invite_invalid");
    const ownRequest = await this.deps.store.findLivePendingByDevice(b.deviceId, b.now);
    // The label says whom the invite was for ("Kim's phone"), so it names the device better than the browser can.
    const device = newDevice(b, {
      role: invite.role,
      approvedBy: `invite ${invite.label || invite.id}`,
      approvedVia: "invite",
      ...(invite.label ? { name: invite.label } : {}),
      ...(invite.deviceExpiresInMs !== null ? { expiresAtMs: b.now + invite.deviceExpiresInMs } : {}),
    });
    const named = {
      name: device.name,
      fingerprint: device.fingerprint,
      inviteId: invite.id,
      label: invite.label,
      role: invite.role,
      ...(device.expiresAtMs !== null ? { expiresAtMs: device.expiresAtMs } : {}),
    };
    const audit: AuditInput[] = [
      { atMs: b.now, action: "invite_used", actor: device.name, deviceId: device.id, detail: named },
      { atMs: b.now, action: "approved", actor: `invite ${invite.id}`, deviceId: device.id, detail: { via: "invite", ...named } },
    ];
    if (!(await this.deps.store.redeemInvite(invite.id, b.now, device, audit))) throw new PairgateError("invite_invalid");
    this.events.emit({ type: "device.added", device });
    this.events.emit({ type: "invites.changed" });
    // The store approved this key's own pending request with the invite: its other tabs get welcome, admins see it go.
    if (ownRequest) this.events.emit({ type: "pairing.resolved", request: ownRequest, outcome: "approved", device });
    return device;
  }

  /** One live request per key: a reconnect gets the same id and code back (docs/design.md#pairing). */
  private async requestPairing(b: NewKey & { hello: HelloFrame }): Promise<PendingRecord> {
    const { store, limits } = this.deps;
    const existing = await store.findLivePendingByDevice(b.deviceId, b.now);
    if (existing) return existing;
    const key = limitKey(b.seenFrom.address);
    const waitMs = this.deps.requestRate.hit(key, b.now);
    if (waitMs > 0) throw new PairgateError("rate_limited", "Too many new pairing requests from this address.", waitMs);
    let live = await store.listLivePending(b.now);
    const fromHere = () => live.filter((p) => limitKey(p.address) === key);
    for (const [inScope, max] of [
      [fromHere, limits.pendingPerAddress],
      [() => live, limits.pendingTotal],
    ] as const) {
      if (inScope().length < max) continue;
      const evicted = await this.evictUnwatched(inScope(), b.now);
      if (!evicted) throw new PairgateError("pending_limit", undefined, 60_000);
      live = live.filter((p) => p.id !== evicted.id);
    }
    const liveCodes = new Set(live.map((p) => p.code));
    for (let attempt = 1; ; attempt++) {
      let code = generateCode(this.deps.randomInt);
      while (liveCodes.has(code)) code = generateCode(this.deps.randomInt);
      const request = newRequest(b, code, `req_${encodeB64u(this.deps.randomBytes(12))}`);
      try {
        await store.createPending(request, {
          atMs: b.now,
          action: "request_created",
          actor: request.name,
          deviceId: request.deviceId,
          requestId: request.id,
          detail: { name: request.name, fingerprint: request.fingerprint, address: request.address, networkClass: request.networkClass },
        });
      } catch (err) {
        // Live codes are unique in the database: another gateway on it (or an unswept expired request) has this
        // one. 20^8 codes make a second clash all but impossible; the bound only keeps a broken store from looping.
        if (err instanceof StoreError && err.code === "code_taken" && attempt < CODE_ATTEMPTS) continue;
        throw err;
      }
      this.events.emit({ type: "pairing.requested", request });
      return request;
    }
  }

  /**
   * At a pending limit, the oldest request that no tab waits on any more (closed, or behind NAT someone else's
   * abandoned tab) is expired to make room, so abandoned requests can't lock an address or the gateway out for
   * their 10 minutes. Requests with a waiting tab are never evicted. `candidates` is oldest first.
   */
  private async evictUnwatched(candidates: PendingRecord[], now: number): Promise<PendingRecord | null> {
    for (const request of candidates) {
      if (this.deps.hasWaitingTab(request.id)) continue;
      const ok = await this.deps.store.resolvePending(request.id, "expired", {
        atMs: now,
        action: "expired",
        actor: "gateway",
        deviceId: request.deviceId,
        requestId: request.id,
        detail: { reason: "evicted_at_limit" },
      });
      if (!ok) continue; // handled meanwhile: it no longer counts either, but keep looking for a sure slot
      this.events.emit({ type: "pairing.resolved", request, outcome: "expired" });
      return request;
    }
    return null;
  }

  async approve(params: { code: string; role: Role; name?: string; replacesDeviceId?: string; expiresInMs?: number }, actor: Actor): Promise<DeviceRecord> {
    const now = this.deps.now();
    const code = normalizeCode(params.code);
    const request = code ? await this.deps.store.findLivePendingByCode(code, now) : null;
    if (!request) throw new PairgateError("not_found", "No pending request has that code (it may have expired or been handled).");
    if (await this.deps.store.getDevice(request.deviceId)) {
      throw new PairgateError("not_found", "That browser is already paired (it used an invite, or was approved already).");
    }
    let replaced: DeviceRecord | null = null;
    if (params.replacesDeviceId) {
      const inUse = (id: string) => id === actor.deviceId || (this.deps.isOnline?.(id) ?? false);
      replaced = await suggestedReplacement(this.deps.store, request, inUse);
      if (replaced?.id !== params.replacesDeviceId) {
        throw new PairgateError(
          "invalid_params",
          replaced
            ? `This request can only replace ${replaced.name} (${replaced.fingerprint}), the device it was suggested for.`
            : "This request replaces no device: only an active device with the same name and browser can be replaced.",
        );
      }
    }
    const device = newDevice(
      { deviceId: request.deviceId, publicKey: request.publicKey, now, seenFrom: { address: request.address, networkClass: request.networkClass } },
      {
        role: params.role,
        approvedBy: actor.name,
        approvedVia: actor.via,
        name: params.name?.trim() || replaced?.name || request.name,
        userAgent: request.userAgent,
        keyStorage: request.keyStorage,
        createdAtMs: request.createdAtMs,
        ...(params.expiresInMs !== undefined ? { expiresAtMs: now + params.expiresInMs } : {}),
      },
    );
    const audit: AuditInput[] = [
      {
        atMs: now,
        action: "approved",
        actor: actor.name,
        deviceId: device.id,
        requestId: request.id,
        detail: {
          ...auditedActor(actor),
          role: device.role,
          name: device.name,
          fingerprint: device.fingerprint,
          ...(device.expiresAtMs !== null ? { expiresAtMs: device.expiresAtMs } : {}),
          ...(replaced ? { replaces: replaced.id, replacesName: replaced.name, replacesFingerprint: replaced.fingerprint } : {}),
        },
      },
    ];
    if (replaced) {
      audit.push({
        atMs: now,
        action: "revoked",
        actor: actor.name,
        deviceId: replaced.id,
        detail: {
          ...auditedActor(actor),
          reason: "replaced",
          name: replaced.name,
          fingerprint: replaced.fingerprint,
          by: device.id,
          byName: device.name,
          byFingerprint: device.fingerprint,
        },
      });
    }
    const won = await this.deps.store.approvePending(request.id, now, device, audit, replaced ? { deviceId: replaced.id, by: actor.name } : undefined);
    if (!won) throw new PairgateError("not_found", "That request was already handled or has expired.");
    if (replaced) this.announceRevoked(replaced, actor.name, now, "replaced");
    this.events.emit({ type: "pairing.resolved", request, outcome: "approved", device });
    return device;
  }

  async reject(params: { requestId?: string; code?: string }, actor: Actor): Promise<PendingRecord> {
    const now = this.deps.now();
    let request: PendingRecord | null = null;
    if (params.requestId) request = await this.deps.store.getPending(params.requestId);
    else if (params.code) {
      const code = normalizeCode(params.code);
      request = code ? await this.deps.store.findLivePendingByCode(code, now) : null;
    } else throw new PairgateError("invalid_params", "Give a requestId or a code.");
    if (!request || request.status !== "pending") throw new PairgateError("not_found", "No pending request matches.");
    const ok = await this.deps.store.resolvePending(request.id, "rejected", {
      atMs: now,
      action: "rejected",
      actor: actor.name,
      deviceId: request.deviceId,
      requestId: request.id,
      detail: { ...auditedActor(actor), name: request.name, fingerprint: request.fingerprint },
    });
    if (!ok) throw new PairgateError("not_found", "That request was already handled.");
    this.events.emit({ type: "pairing.resolved", request, outcome: "rejected" });
    return request;
  }

  /** Expires every request whose 10 minutes are up; called by the gateway's sweep timer. */
  async expireDue(): Promise<number> {
    const now = this.deps.now();
    let count = 0;
    for (const request of await this.deps.store.listDuePending(now)) {
      const ok = await this.deps.store.resolvePending(request.id, "expired", {
        atMs: now,
        action: "expired",
        actor: "gateway",
        deviceId: request.deviceId,
        requestId: request.id,
        detail: { name: request.name, fingerprint: request.fingerprint },
      });
      if (!ok) continue;
      count++;
      this.events.emit({ type: "pairing.resolved", request, outcome: "expired" });
    }
    return count;
  }

  async revoke(deviceId: string, actor: Actor): Promise<DeviceRecord> {
    const now = this.deps.now();
    const device = await this.deps.store.getDevice(deviceId);
    if (!device || device.revokedAtMs !== null) throw new PairgateError("not_found", "No active device has that id.");
    const ok = await this.deps.store.revokeDevice(deviceId, now, actor.name, {
      atMs: now,
      action: "revoked",
      actor: actor.name,
      deviceId,
      detail: { ...auditedActor(actor), name: device.name, fingerprint: device.fingerprint },
    });
    if (!ok) throw new PairgateError("not_found", "That device was already revoked.");
    this.announceRevoked(device, actor.name, now, "revoked");
    return { ...device, revokedAtMs: now, revokedBy: actor.name, revokedReason: "revoked" };
  }

  /** Whether a device's end time has passed, or it has not been seen for the idle expiry. */
  private isDue(d: DeviceRecord, now: number): boolean {
    const idleMs = this.deps.idleExpiryMs ?? null;
    return (d.expiresAtMs !== null && d.expiresAtMs <= now) || (idleMs !== null && d.lastSeenAtMs !== null && d.lastSeenAtMs <= now - idleMs);
  }

  /**
   * Revokes a due device with reason `expired`. False when the store refused: it is the last active admin (kept,
   * so the gateway is never left without one), or another gateway on the database expired it first.
   */
  private async expire(device: DeviceRecord, now: number): Promise<boolean> {
    const byEndTime = device.expiresAtMs !== null && device.expiresAtMs <= now;
    const detail = {
      reason: "expired",
      name: device.name,
      fingerprint: device.fingerprint,
      ...(byEndTime ? { expiresAtMs: device.expiresAtMs } : { idleMs: this.deps.idleExpiryMs ?? 0, lastSeenAtMs: device.lastSeenAtMs }),
    };
    const ok = await this.deps.store.expireDevice(device.id, now, { atMs: now, action: "revoked", actor: "gateway", deviceId: device.id, detail });
    if (ok) this.announceRevoked(device, "gateway", now, "expired");
    return ok;
  }

  /** Expires every due device (end time passed, or idle too long); called at start and by the sweep timer. */
  async expireDueDevices(): Promise<number> {
    const now = this.deps.now();
    const idleMs = this.deps.idleExpiryMs ?? null;
    let count = 0;
    for (const device of await this.deps.store.listDueDevices(now, idleMs === null ? null : now - idleMs, EXPIRE_BATCH)) {
      if (await this.expire(device, now)) count++;
    }
    return count;
  }

  /** A change another gateway on the same database committed, read back as an event (gateway/replica-sync.ts). */
  announceRemote(event: PairingEvent): void {
    if (event.type === "device.revoked") this.deps.verifier.forget(event.device.id);
    this.events.emit(event);
  }

  private announceRevoked(device: DeviceRecord, byName: string, atMs: number, reason: RevokeReason): void {
    this.deps.verifier.forget(device.id);
    this.events.emit({ type: "device.revoked", device: { ...device, revokedAtMs: atMs, revokedBy: byName, revokedReason: reason }, byName, atMs });
  }

  async rename(deviceId: string, name: string, actor: Actor): Promise<DeviceRecord> {
    const now = this.deps.now();
    const device = await this.deps.store.getDevice(deviceId);
    if (!device || device.revokedAtMs !== null) throw new PairgateError("not_found", "No active device has that id.");
    const trimmed = name.trim();
    const problem = nameProblem(trimmed);
    if (problem) throw new PairgateError("invalid_params", problem);
    await this.deps.store.renameDevice(deviceId, trimmed, {
      atMs: now,
      action: "renamed",
      actor: actor.name,
      deviceId,
      detail: { ...auditedActor(actor), from: device.name, to: trimmed, fingerprint: device.fingerprint },
    });
    const updated = { ...device, name: trimmed };
    this.events.emit({ type: "device.updated", device: updated });
    return updated;
  }

  async createInvite(params: { role: Role; ttlMs?: number; label?: string; deviceExpiresInMs?: number }, actor: Actor): Promise<NewInvite> {
    const created = createInvite(params, actor.name, this.deps.now(), this.deps.randomBytes);
    await this.deps.store.createInvite(created.record, {
      atMs: created.record.createdAtMs,
      action: "invite_created",
      actor: actor.name,
      detail: {
        ...auditedActor(actor),
        inviteId: created.record.id,
        label: created.record.label,
        role: params.role,
        expiresAtMs: created.record.expiresAtMs,
        ...(params.deviceExpiresInMs !== undefined ? { deviceExpiresInMs: params.deviceExpiresInMs } : {}),
      },
    });
    this.events.emit({ type: "invites.changed" });
    return created;
  }

  async revokeInvite(inviteId: string, actor: Actor): Promise<void> {
    const now = this.deps.now();
    const label = (await this.deps.store.listInvites()).find((i) => i.id === inviteId)?.label ?? "";
    const ok = await this.deps.store.revokeInvite(inviteId, now, {
      atMs: now,
      action: "invite_revoked",
      actor: actor.name,
      detail: { ...auditedActor(actor), inviteId, label },
    });
    if (!ok) throw new PairgateError("not_found", "No unused invite has that id.");
    this.events.emit({ type: "invites.changed" });
  }
}

/**
 * How an action was taken, for the audit log: the channel, and for dashboard actions the acting device's id,
 * because `actor` is a name people choose and two devices may share it.
 */
/** How an admin action's audit detail names who did it (shared with the admin methods outside this service). */
export function auditedActor(actor: Actor): { via: Actor["via"]; actorDeviceId?: string } {
  return { via: actor.via, ...(actor.deviceId ? { actorDeviceId: actor.deviceId } : {}) };
}

const CODE_ATTEMPTS = 5;
const MAX_REMEMBERED_IDS = 50_000;

function newRequest(b: NewKey & { hello: HelloFrame }, code: string, id: string): PendingRecord {
  return {
    id,
    deviceId: b.deviceId,
    publicKey: b.publicKey,
    code,
    fingerprint: fingerprintFromPublicKey(b.publicKey),
    name: sanitizeClientName(b.hello.client.name),
    userAgent: b.hello.client.userAgent,
    keyStorage: b.hello.keyStorage,
    createdAtMs: b.now,
    expiresAtMs: b.now + PAIRING_TTL_MS,
    address: b.seenFrom.address,
    networkClass: b.seenFrom.networkClass,
    status: "pending",
  };
}

interface NewKey {
  deviceId: string;
  publicKey: Uint8Array;
  now: number;
  seenFrom: SeenFrom;
  hello?: HelloFrame;
}

function newDevice(
  b: NewKey,
  opts: {
    role: Role;
    approvedBy: string;
    approvedVia: ApprovedVia;
    name?: string;
    userAgent?: string;
    keyStorage?: DeviceRecord["keyStorage"];
    createdAtMs?: number;
    expiresAtMs?: number;
  },
): DeviceRecord {
  return {
    id: b.deviceId,
    publicKey: b.publicKey,
    fingerprint: fingerprintFromPublicKey(b.publicKey),
    name: opts.name ?? sanitizeClientName(b.hello?.client.name ?? ""),
    role: opts.role,
    keyStorage: opts.keyStorage ?? b.hello?.keyStorage ?? "software",
    userAgent: opts.userAgent ?? b.hello?.client.userAgent ?? "",
    createdAtMs: opts.createdAtMs ?? b.now,
    approvedAtMs: b.now,
    approvedBy: opts.approvedBy,
    approvedVia: opts.approvedVia,
    lastSeenAtMs: b.now,
    lastSeenAddress: b.seenFrom.address,
    lastSeenClass: b.seenFrom.networkClass,
    expiresAtMs: opts.expiresAtMs ?? null,
    revokedAtMs: null,
    revokedBy: null,
    revokedReason: null,
  };
}
