// createPairgate: device pairing inside an app's own Node server. Store → pairing service → session hub →
// WebSocket on the app's HTTP server, plus the app's own role-guarded methods on the paired socket.
// The standalone gateway (server/src/gateway.ts) is built on this and nothing else.
import { randomInt } from "node:crypto";
import type { Server } from "node:http";
import { join } from "node:path";
import {
  classifyAddress,
  encodeB64u,
  isMethodName,
  isReservedName,
  type DeviceView,
  type EventData,
  type InviteView,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type PendingView,
  PairgateError,
  type Role,
} from "../../../shared/index.js";
import { startAdminSocket, type AdminSocket } from "../admin/admin-socket.js";
import { Connection } from "../gateway/connection.js";
import { DEFAULT_LIMITS, WindowCounter, type LimitsConfig } from "../gateway/limits.js";
import { createRandomPool } from "../gateway/random-pool.js";
import { RefusalBursts, REFUSAL_BURST_WINDOW_MS } from "../gateway/refusal-bursts.js";
import type { Refusal } from "../gateway/refusals.js";
import type { RpcCaller } from "../gateway/caller.js";
import { createRpcDispatcher } from "../gateway/rpc-handlers.js";
import { ReplicaSync, type ResyncReport } from "../gateway/replica-sync.js";
import { SessionHub } from "../gateway/session-hub.js";
import { realTimers, type Timers } from "../gateway/socket.js";
import { attachWsServer } from "../gateway/ws-server.js";
import { toDeviceView, toPendingView } from "../gateway/views.js";
import { createLogger, type Logger } from "../log/logger.js";
import { every } from "../log/periodic.js";
import { parseCidr } from "../net/cidr.js";
import { limitKey } from "../net/limit-key.js";
import type { PairingEvent } from "../pairing/events.js";
import { PairingService } from "../pairing/pairing-service.js";
import { SignatureVerifier } from "../pairing/verify-signature.js";
import { TicketBook, type SessionRefusal } from "../sessions/tickets.js";
import { DEFAULT_SESSION_IDLE_MS, DEFAULT_SESSION_MAX_AGE_MS, SessionRegistry, type SessionIdentity, type SessionView } from "../sessions/session-registry.js";
import type { DeviceStore } from "../store/device-store.js";
import { GATEWAY_VERSION } from "../version.js";
import { callAppMethod, checkMethodMap, mergeMethodMaps, type MethodMap } from "./app-methods.js";

export interface PairgateOptions<M extends MethodMap = MethodMap> {
  /** Where devices, requests, invites and the audit log live: sqliteStore(dir), memoryStore() (tests), or your own DeviceStore. */
  store: DeviceStore;
  /** The app's methods. Several maps (one per feature) are merged; a name in two of them is refused. */
  methods?: M | MethodMap[];
  /** Shown on the pairing screen and in gateway.status. */
  name?: string;
  /** Browser origins allowed besides the request's own Host (an app on another port or domain). */
  allowedOrigins?: string[];
  /** Host names besides IP literals and localhost (DNS rebinding defence). */
  allowedHosts?: string[];
  /** Proxies whose X-Forwarded-For is read, as addresses or CIDRs ("127.0.0.1", "10.0.0.0/8"). */
  trustedProxies?: string[];
  limits?: Partial<LimitsConfig>;
  /** What a waiting browser shows as the command that approves it. */
  approveCommand?: (formattedCode: string) => string;
  /** Base URL of invite links made through pg.invites.create() (browsers use their own origin). */
  publicUrl?: string | (() => string);
  log?: Logger;
  /** For tests that drive time. */
  now?: () => number;
  timers?: Timers;
  /** Reported in gateway.status and the pairing screen. */
  version?: string;
  /** Devices not seen for this long are revoked with reason `expired` (the last active admin never is). Off when absent. */
  idleExpiryMs?: number | null;
  /** A device session (the front door's cookie) unused this long ends; default 12 h. */
  sessionIdleMs?: number;
  /** A device session ends this long after it was made, used or not; default 7 days. */
  sessionMaxAgeMs?: number;
}

export interface AttachOptions {
  /** The one path whose WebSocket upgrades pairgate takes (default "/ws"); other upgrades are left alone. */
  path?: string;
  /** Refuse upgrades on other paths with 404 instead of leaving them to other listeners (the standalone gateway does). */
  refuseOtherPaths?: boolean;
}

/** Who a published event goes to: every paired device (the default), devices with at least `role`, or one device. */
export type PublishTarget = { role: Role } | { deviceId: string };

export type PairgateEvents = {
  "pairing.requested": { request: PendingView };
  "pairing.resolved": { requestId: string; outcome: "approved" | "rejected" | "expired"; device: DeviceView | null };
  "device.revoked": { device: DeviceView; byName: string; atMs: number };
  "device.updated": { device: DeviceView };
  /** A device paired by an invite (approvals come as pairing.resolved). */
  "device.added": { device: DeviceView };
  "invites.changed": Record<string, never>;
  /** A refused upgrade or handshake (bad Origin or Host, rate limit, failed signature, …). */
  refused: Omit<Refusal, "atMs">;
  /** Many refusals from one source within a minute (`limits.alertRefusals`); admin tabs get it as gateway.alert. */
  "gateway.alert": EventData<"gateway.alert">;
};
export type PairgateEventName = keyof PairgateEvents;

/** Who did an operation done from the server side; it is what the audit log records. Default "cli". */
export interface OperatorOptions {
  actor?: string;
}

const SWEEP_MS = 1000;
const SESSION_SWEEP_MS = 60_000;
const LAST_SEEN_FLUSH_MS = 5000;
const SHUTDOWN_GRACE_MS = 1000;

export type Pairgate = Awaited<ReturnType<typeof createPairgate>>;

export async function createPairgate<M extends MethodMap = MethodMap>(options: PairgateOptions<M>) {
  const methods = Array.isArray(options.methods) ? mergeMethodMaps(...options.methods) : mergeMethodMaps(options.methods ?? {});
  checkMethodMap(methods);
  const store = options.store;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? realTimers;
  const log = options.log ?? createLogger("warn");
  const limits: LimitsConfig = { ...DEFAULT_LIMITS, ...options.limits };
  const trust = {
    allowedHosts: options.allowedHosts ?? [],
    allowedOrigins: options.allowedOrigins ?? [],
    trustedProxies: (options.trustedProxies ?? []).map(parseCidr),
  };
  const gatewayInfo = { name: options.name ?? "pairgate", version: options.version ?? GATEWAY_VERSION };
  const approveCommand = options.approveCommand ?? ((code: string) => `npx pairgate devices approve ${code}`);
  const publicUrl = () => (typeof options.publicUrl === "function" ? options.publicUrl() : (options.publicUrl ?? "http://localhost"));
  const randomBytes = createRandomPool();
  const startedAtMs = now();

  const gatewayId = await store.loadGatewayId(() => encodeB64u(randomBytes(16)));
  const service = new PairingService({
    store,
    verifier: new SignatureVerifier(),
    now,
    randomBytes,
    randomInt: (max) => randomInt(max),
    limits,
    requestRate: new WindowCounter(limits.newRequestsPerMinute, 60_000),
    // hub is created just below; called only later. On a shared store (several replicas) a tab may wait on another
    // replica, which this one can't see: there no request counts as unwatched, and the pending limits refuse as before.
    hasWaitingTab: (requestId) => store.changes !== undefined || hub.isRequestOnline(requestId),
    isOnline: (deviceId) => hub.onlineCount(deviceId) > 0, // likewise
    idleExpiryMs: options.idleExpiryMs ?? null,
  });
  const onInternalError = (err: unknown) => log.error("internal error", { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  const hub = new SessionHub(store, now, timers, onInternalError);
  // On a shared store (Postgres), other replicas' changes reach this process's sockets too (docs/scaling.md).
  const replicas = new ReplicaSync({
    store,
    announce: (event) => service.announceRemote(event),
    openDeviceIds: () => hub.openDeviceIds(),
    waitingRequestIds: () => hub.waitingRequestIds(),
    waitingDeviceId: (requestId) => hub.waitingDeviceId(requestId),
    now,
    onError: onInternalError,
  });
  replicas.start();
  const sessionMaxAgeMs = options.sessionMaxAgeMs ?? DEFAULT_SESSION_MAX_AGE_MS;
  const sessions = new SessionRegistry({
    store,
    now,
    randomBytes,
    idleMs: options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
    maxAgeMs: sessionMaxAgeMs,
    onError: onInternalError,
  });
  await sessions.load();
  const tickets = new TicketBook({ store, now, randomBytes });
  const unsubscribeSessions =
    store.changes?.subscribe({
      onChange: (change) => void sessions.applyChange(change).catch(onInternalError),
      onResync: () => void sessions.load().catch(onInternalError),
    }) ?? (() => {});

  const listeners = new Map<string, Set<(data: never) => void>>();
  function emit<E extends PairgateEventName>(event: E, data: PairgateEvents[E]): void {
    for (const fn of listeners.get(event) ?? []) {
      try {
        (fn as (d: PairgateEvents[E]) => void)(data);
      } catch (err) {
        onInternalError(err); // a listener's bug must not stop the pairing flow
      }
    }
  }
  service.events.subscribe((event) => {
    hub.handle(event);
    sessions.handle(event);
    if (listeners.size === 0) return;
    const e = publicEvent(event);
    emit(e.name, e.data as never);
  });
  /** Records become the views the dashboard shows: no key bytes, no pairing code. */
  function publicEvent(event: PairingEvent): { name: PairgateEventName; data: unknown } {
    switch (event.type) {
      case "pairing.requested":
        return { name: event.type, data: { request: toPendingView(event.request, hub.isRequestOnline(event.request.id), null) } };
      case "pairing.resolved":
        return {
          name: event.type,
          data: {
            requestId: event.request.id,
            outcome: event.outcome,
            device: event.outcome === "approved" ? toDeviceView(event.device, hub.onlineCount(event.device.id)) : null,
          },
        };
      case "device.revoked":
        return { name: event.type, data: { device: toDeviceView(event.device, 0), byName: event.byName, atMs: event.atMs } };
      case "device.updated":
      case "device.added":
        return { name: event.type, data: { device: toDeviceView(event.device, hub.onlineCount(event.device.id)) } };
      case "invites.changed":
        return { name: event.type, data: {} };
    }
  }

  // A burst of refusals from one source: an alert in every admin tab and one audit entry per burst (once a window).
  const bursts = new RefusalBursts(limits.alertRefusals);
  function refused(r: Omit<Refusal, "atMs">): void {
    emit("refused", r);
    const atMs = now();
    const count = bursts.hit(limitKey(r.address), atMs);
    if (count === null) return;
    const alert = {
      kind: "refusal_burst" as const,
      address: r.address,
      networkClass: classifyAddress(r.address),
      count,
      windowMs: REFUSAL_BURST_WINDOW_MS,
      atMs,
    };
    hub.alertAdmins(alert);
    emit("gateway.alert", alert);
    const { kind: _kind, atMs: _at, ...detail } = alert;
    store.appendAudit([{ atMs, action: "refusal_burst", actor: r.address, detail }]).catch(onInternalError);
  }

  const builtin = createRpcDispatcher({
    service,
    store,
    hub,
    tickets,
    sessions,
    now,
    gateway: { ...gatewayInfo, gatewayId, startedAtMs },
    get publicUrl() {
      return publicUrl();
    },
  });
  const dispatch = (caller: RpcCaller, method: string, params: unknown): Promise<unknown> => {
    if (caller.kind === "cli" || isMethodName(method) || isReservedName(method)) return builtin(caller, method, params);
    const device = { id: caller.deviceId, name: caller.name, fingerprint: caller.fingerprint ?? "" };
    return callAppMethod(methods, method, params, {
      device,
      role: caller.role,
      seenFrom: caller.seenFrom,
      signal: caller.signal ?? new AbortController().signal,
    });
  };
  const operator = <N extends MethodName>(method: N, params: MethodParams<N>, opts: OperatorOptions = {}) =>
    builtin({ kind: "cli", ...(opts.actor ? { actor: opts.actor } : {}) }, method, params) as Promise<MethodResult<N>>;

  const attached: Array<ReturnType<typeof attachWsServer>> = [];
  const cliSockets: AdminSocket[] = [];
  // Devices whose time ran out while no gateway ran are revoked before the first socket is taken.
  await service.expireDueDevices();
  const intervals = [
    every("expiry sweep", SWEEP_MS, () => service.expireDue(), log, now),
    every("device expiry sweep", SWEEP_MS, () => service.expireDueDevices(), log, now),
    every("last-seen flush", LAST_SEEN_FLUSH_MS, () => hub.flushLastSeen(), log, now),
    every("session last-use flush", LAST_SEEN_FLUSH_MS, () => sessions.flush(), log, now),
    every("session sweep", SESSION_SWEEP_MS, () => Promise.all([sessions.sweep(), tickets.sweep()]), log, now),
  ];
  let closed = false;

  return {
    gatewayId,

    /** Takes WebSocket upgrades on `path` of an http(s) server: plain node:http, Express's app.listen(), Fastify's server. */
    attach(server: Server, attachOptions: AttachOptions = {}): void {
      if (closed) throw new Error("pairgate: attach() after close()");
      const ws = attachWsServer(server, {
        trust,
        limits,
        now,
        path: attachOptions.path ?? "/ws",
        otherPaths: attachOptions.refuseOtherPaths ? "refuse" : "ignore",
        onRefused: refused,
        createConnection: (socket, info, hooks) =>
          new Connection(socket, info, {
            service,
            gatewayId,
            gateway: gatewayInfo,
            now,
            randomBytes,
            timers,
            requestLimits: limits,
            approveCommand,
            dispatch,
            onPending: (c, request) => {
              // A waiting socket leaves the unauthenticated pool for the hub's waiting pool (at most two per request,
              // and requests are capped), so waiting tabs can't crowd out a paired device that is about to prove its
              // key. No backoff reset here: only a welcome proves anything (a pending key says hello at will).
              hooks.releaseUnauth();
              hub.addPending(c, request.id);
            },
            onAuthenticated: (c, device) => {
              hooks.releaseUnauth();
              hooks.recordSuccess();
              return { online: hub.addAuthenticated(c, device) };
            },
            onRefused: (c, code, reason) => {
              if (code === "shutting_down") return;
              if (code === "auth_failed" || code === "bad_frame" || code === "invite_invalid") hooks.recordFailure();
              refused({ stage: "handshake", code, reason, address: c.info.seenFrom.address, origin: c.info.origin || null, host: c.info.host ?? null });
            },
            onClosed: (c) => {
              hooks.releaseUnauth();
              hub.remove(c);
            },
            onInternalError,
          }),
      });
      attached.push(ws);
    },

    /** The operations the CLI has, done as the local operator. */
    devices: {
      list: (params: MethodParams<"devices.list"> = {}) => operator("devices.list", params),
      approve: (params: MethodParams<"devices.approve">, opts?: OperatorOptions) => operator("devices.approve", params, opts),
      reject: (params: MethodParams<"devices.reject">, opts?: OperatorOptions) => operator("devices.reject", params, opts),
      revoke: (deviceId: string, opts?: OperatorOptions) => operator("devices.revoke", { deviceId }, opts),
      rename: (deviceId: string, name: string, opts?: OperatorOptions) => operator("devices.rename", { deviceId, name }, opts),
    },
    invites: {
      create: (params: MethodParams<"invites.create">, opts?: OperatorOptions) => operator("invites.create", params, opts),
      revoke: (inviteId: string, opts?: OperatorOptions) => operator("invites.revoke", { inviteId }, opts),
      list: async (): Promise<InviteView[]> => (await operator("devices.list", {})).invites,
    },
    audit: {
      list: (params: MethodParams<"audit.list"> = {}) => operator("audit.list", params),
    },
    /**
     * Device sessions: what the front door's cookie stands for (docs/embedding.md). list() and check() read memory
     * only; end() and endForDevice() end sessions at once on every replica.
     */
    sessions: {
      list: (opts: { deviceId?: string } = {}): SessionView[] => sessions.list(opts),
      end: (sessionId: string): Promise<boolean> => sessions.end(sessionId),
      endForDevice: (deviceId: string): Promise<number> => sessions.endForDevice(deviceId),
      /** The device behind a session cookie's value, or null (no disk I/O). */
      check: (token: string): SessionIdentity | null => sessions.check(token),
      /**
       * Trades a one-time ticket (method session.ticket on the paired socket) for a new session: the cookie value.
       * `origin` is the Origin of the request that brings the ticket; it must be the page the ticket was issued to.
       */
      redeemTicket: async (ticket: string, origin: string): Promise<{ token: string } | { refused: SessionRefusal }> => {
        const redeemed = await tickets.redeem(ticket, origin);
        if ("refused" in redeemed) return redeemed;
        const device = await store.getDevice(redeemed.deviceId);
        if (!device || device.revokedAtMs !== null) return { refused: "device_revoked" };
        return { token: (await sessions.create(device)).token };
      },
      /** Called with each session that ends, however it ends. */
      onEnd: (listener: (sessionId: string) => void) => sessions.onEnd(listener),
      maxAgeMs: sessionMaxAgeMs,
    },
    /** Any built-in method by name, as the local operator: what the `pairgate` CLI sends over the admin socket. */
    call: (method: string, params: unknown, opts: OperatorOptions = {}) =>
      builtin({ kind: "cli", ...(opts.actor ? { actor: opts.actor } : {}) }, method, params),

    on<E extends PairgateEventName>(event: E, listener: (data: PairgateEvents[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(event);
      };
    },

    /** Pushes an app event to paired sockets; returns how many sockets it reached. */
    publish(event: string, data: unknown, publishOptions: { to?: PublishTarget } = {}): number {
      if (isReservedName(event)) throw new TypeError(`pairgate: event "${event}" uses a reserved name`);
      if (event.length < 1 || event.length > 64) throw new TypeError(`pairgate: event name must be 1 to 64 characters`);
      return hub.publish({ type: "event", event, data }, publishOptions.to);
    },

    /**
     * Lets the `pairgate` CLI manage this app's devices: `pairgate devices approve CODE --state-dir <dir>` talks to
     * `<dir>/admin.sock` (mode 0600: whoever may read the directory's socket is the operator).
     */
    async serveCli(cliOptions: { dir: string; doctor?: () => unknown }): Promise<{ path: string; close(): Promise<void> }> {
      const socket = await startAdminSocket(join(cliOptions.dir, "admin.sock"), {
        dispatch: builtin,
        log,
        doctor:
          cliOptions.doctor ??
          (() => {
            throw new PairgateError("not_found", "pairgate doctor reports on the standalone gateway only.");
          }),
      });
      cliSockets.push(socket);
      return socket;
    },

    /** The last resync with a shared store after its change feed came back (null: none since start, or not shared). */
    get lastResync(): ResyncReport | null {
      return replicas.lastResync;
    },

    /** Expires due pairing requests now (the gateway does this every second; tests with an injected clock call it). */
    sweep: () => service.expireDue(),
    /** Expires due devices now (end time passed, or idle too long); the gateway does this at start and every second. */
    sweepDevices: () => service.expireDueDevices(),

    get sockets() {
      return {
        open: attached.reduce((n, ws) => n + ws.sockets, 0),
        unauthenticated: attached.reduce((n, ws) => n + ws.unauthenticated, 0),
        /** Sockets waiting on pending requests (their own pool, at most two per request). */
        waiting: hub.waitingSockets,
      };
    },

    /**
     * Every socket gets shutting_down (close 1001), stragglers are cut after `graceMs`, last-seen times are
     * written, then the store closes (unless `keepStoreOpen`: the caller still writes to it and closes it itself).
     */
    async close(closeOptions: { graceMs?: number; keepStoreOpen?: boolean } = {}): Promise<void> {
      if (closed) return;
      closed = true;
      for (const t of intervals) clearInterval(t);
      replicas.stop();
      unsubscribeSessions();
      await Promise.all(cliSockets.map((c) => c.close()));
      await Promise.all(attached.map((ws) => ws.shutdown(closeOptions.graceMs ?? SHUTDOWN_GRACE_MS)));
      await hub.flushLastSeen({ all: true }).catch(onInternalError);
      await sessions.flush().catch(onInternalError);
      if (!closeOptions.keepStoreOpen) await store.close();
    },
  };
}
