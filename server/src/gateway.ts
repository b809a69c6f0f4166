// The composition root: store → pairing service → session hub → /ws and HTTP → admin socket.
// Everything with a clock, a random source or a timer is injected here so tests can drive time.
import { randomInt } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeB64u, PROTOCOL_VERSION } from "../../shared/index.js";
import { startAdminSocket, type AdminSocket } from "./admin/admin-socket.js";
import { approveCommand, cliCommandOf } from "./config/cli-command.js";
import type { GatewayConfig } from "./config/config.js";
import { collectDoctorFacts, isInContainer } from "./config/doctor-facts.js";
import { derivePublicUrl, findLanAddress, type PublicUrl } from "./config/public-url.js";
import { Connection } from "./gateway/connection.js";
import { WindowCounter } from "./gateway/limits.js";
import { createRandomPool } from "./gateway/random-pool.js";
import { RefusalLog, type Refusal } from "./gateway/refusals.js";
import { createRpcDispatcher } from "./gateway/rpc-handlers.js";
import { SessionHub } from "./gateway/session-hub.js";
import { realTimers, type Timers } from "./gateway/socket.js";
import { attachWsServer } from "./gateway/ws-server.js";
import { createHttpServer } from "./http/http-server.js";
import { loadStaticFiles } from "./http/static-files.js";
import { clientAddress, isTrustedProxy } from "./http/trust.js";
import { describeRequest } from "./http/whoami.js";
import { createLogger, type Logger } from "./log/logger.js";
import { RecentUpgrades, recordUpgradeRequest } from "./log/recent-upgrades.js";
import { inviteUrl } from "./pairing/invites.js";
import { PairingService } from "./pairing/pairing-service.js";
import { SignatureVerifier } from "./pairing/verify-signature.js";
import type { DeviceStore } from "./store/device-store.js";
import { SqliteStore } from "./store/sqlite-store.js";
import { GATEWAY_VERSION } from "./version.js";

export interface GatewayOptions {
  now?: () => number;
  timers?: Timers;
  log?: Logger;
  store?: DeviceStore;
  /** Where the built dashboard lives; defaults to dist/web next to the bundle. */
  webRoot?: string;
  /** Tests that need no CLI may skip the Unix socket. */
  adminSocket?: boolean;
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>;

const SWEEP_MS = 1000;
const LAST_SEEN_FLUSH_MS = 5000;
const REFUSAL_AUDIT_MS = 10_000;

export async function createGateway(config: GatewayConfig, opts: GatewayOptions = {}) {
  const now = opts.now ?? Date.now;
  const timers = opts.timers ?? realTimers;
  const log = opts.log ?? createLogger(config.logLevel);
  const randomBytes = createRandomPool();
  const startedAtMs = now();

  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  const store = opts.store ?? new SqliteStore(join(config.stateDir, "pairgate.db"));
  const gatewayId = await store.loadGatewayId(() => encodeB64u(randomBytes(16)));
  const requestRate = new WindowCounter(config.limits.newRequestsPerMinute, 60_000);
  const service = new PairingService({
    store,
    verifier: new SignatureVerifier(),
    now,
    randomBytes,
    randomInt: (max) => randomInt(max),
    limits: config.limits,
    requestRate,
    hasWaitingTab: (requestId) => hub.isRequestOnline(requestId), // hub is created just below; called only later
    isOnline: (deviceId) => hub.onlineCount(deviceId) > 0, // likewise
  });
  const onInternalError = (err: unknown) => log.error("internal error", { error: err instanceof Error ? err.stack ?? err.message : String(err) });
  const hub = new SessionHub(store, now, timers, onInternalError);
  service.events.subscribe((event) => {
    hub.handle(event);
    logEvent(log, event);
  });
  const refusals = new RefusalLog();
  const upgrades = new RecentUpgrades();
  const gatewayInfo = { name: config.name, version: GATEWAY_VERSION };
  // Until listen() knows the port, links use --public-url as it is (empty when not set).
  let link: PublicUrl = { url: config.publicUrl, guessed: false, source: "--public-url" };
  const dispatch = createRpcDispatcher({
    service,
    store,
    hub,
    now,
    gateway: { ...gatewayInfo, gatewayId, startedAtMs },
    get publicUrl() {
      return link.url;
    },
  });

  const webRoot = opts.webRoot ?? resolve(dirname(fileURLToPath(import.meta.url)), "../web");
  const { server: http, connections } = createHttpServer({
    connections: {
      perAddress: config.limits.connectionsPerAddress,
      total: config.limits.connectionsTotal,
      isSharedPeer: (peer) => isTrustedProxy(peer, config.trustedProxies),
    },
    files: loadStaticFiles(webRoot),
    allowedHosts: config.allowedHosts,
    health: () => ({ ok: true, name: config.name, version: GATEWAY_VERSION, protocol: PROTOCOL_VERSION, uptimeMs: now() - startedAtMs }),
    whoami: (req) => describeRequest(req, config),
    onRefused: (req, reason) =>
      recordRefusal({
        stage: "http",
        code: "host_not_allowed",
        reason,
        address: clientAddress(req.socket.remoteAddress ?? "", req.headers["x-forwarded-for"], config.trustedProxies),
        origin: req.headers.origin ?? null,
        host: req.headers.host ?? null,
      }),
  });

  function recordRefusal(r: Omit<Refusal, "atMs">) {
    refusals.record({ ...r, atMs: now() });
    log.info("refused", { stage: r.stage, code: r.code, address: r.address, origin: r.origin, host: r.host });
  }

  http.prependListener("upgrade", (req) => recordUpgradeRequest(upgrades, req, config.trustedProxies, now()));
  const ws = attachWsServer(http, {
    trust: config,
    limits: config.limits,
    now,
    onRefused: recordRefusal,
    createConnection: (socket, info, hooks) => {
      const conn: Connection = new Connection(socket, info, {
        service,
        gatewayId,
        gateway: gatewayInfo,
        now,
        randomBytes,
        timers,
        requestLimits: config.limits,
        approveCommand: (code) => approveCommand(cliCommandOf(config), code),
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
          recordRefusal({ stage: "handshake", code, reason, address: c.info.seenFrom.address, origin: c.info.origin || null, host: c.info.host ?? null });
        },
        onClosed: (c) => {
          hooks.releaseUnauth();
          hub.remove(c);
        },
        onInternalError,
      });
      return conn;
    },
  });

  const intervals: Array<ReturnType<typeof setInterval>> = [];
  const every = (ms: number, fn: () => Promise<unknown>) => {
    const t = setInterval(() => void fn().catch(onInternalError), ms);
    t.unref();
    intervals.push(t);
  };
  every(SWEEP_MS, () => service.expireDue());
  every(LAST_SEEN_FLUSH_MS, () => hub.flushLastSeen());
  every(REFUSAL_AUDIT_MS, () => flushRefusalAudit());
  const flushRefusalAudit = async () => {
    const entries = refusals.drainAudit(now());
    if (entries.length) await store.appendAudit(entries);
  };

  let admin: AdminSocket | null = null;
  let stopped = false;
  let listening = false;

  return {
    config,
    service,
    hub,
    store,
    refusals,
    gatewayId,
    dispatch,
    /** Runs the expiry sweep now (tests with an injected clock call this instead of waiting). */
    sweep: () => service.expireDue(),
    /** Base URL for links printed or returned to the CLI. */
    get publicUrl(): string {
      return link.url;
    },
    /** The same, with whether it is a guess and where it comes from. */
    get publicLink(): PublicUrl {
      return link;
    },
    get port(): number {
      return (http.address() as AddressInfo | null)?.port ?? 0;
    },
    get sockets() {
      return { open: ws.sockets, unauthenticated: ws.unauthenticated };
    },
    /** Sockets waiting on pending requests (their own pool, at most two per request). */
    get waitingSockets(): number {
      return hub.waitingSockets;
    },
    /** Raw HTTP connections not yet answered or upgraded, and how many the caps turned away. */
    get connections() {
      return { open: connections.open, refused: connections.refused };
    },
    async listen(): Promise<number> {
      await new Promise<void>((resolveListen, reject) => {
        http.once("error", reject);
        http.listen(config.port, config.host, () => {
          http.off("error", reject);
          resolveListen();
        });
      });
      const port = (http.address() as AddressInfo).port;
      link = derivePublicUrl({
        publicUrl: config.publicUrl,
        host: config.host,
        port,
        allowedHosts: config.allowedHosts,
        trustedProxyCount: config.trustedProxies.length,
        lanAddress: findLanAddress(),
        inContainer: isInContainer(),
      });
      if (opts.adminSocket !== false) {
        admin = await startAdminSocket(join(config.stateDir, "admin.sock"), {
          dispatch,
          log,
          doctor: () =>
            collectDoctorFacts(config, {
              port,
              publicUrl: link,
              version: GATEWAY_VERSION,
              sockets: { open: ws.sockets, unauthenticated: ws.unauthenticated },
              upgrades,
              refusals,
            }),
        });
      }
      listening = true;
      return port;
    },
    /** An admin invite for first start, when no admin device exists yet (DESIGN §4). */
    async firstStartInvite(): Promise<{ url: string; expiresAtMs: number } | null> {
      if ((await store.countActiveAdmins()) > 0) return null;
      // No label: a label would become the admin device's name; the creator "gateway (first start)" says what it is.
      const created = await service.createInvite({ role: "admin" }, { name: "gateway (first start)", via: "cli" });
      return { url: inviteUrl(link.url, created.token), expiresAtMs: created.record.expiresAtMs };
    },
    /** Graceful stop: shutting_down to every socket, then close the servers and the DB (DESIGN §10). */
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      for (const t of intervals) clearInterval(t);
      await admin?.close();
      await ws.shutdown(1000);
      http.closeAllConnections?.();
      await new Promise<void>((r) => http.close(() => r()));
      await hub.flushLastSeen().catch(onInternalError);
      await flushRefusalAudit().catch(onInternalError);
      await store.close();
      // A gateway that never listened (busy port, bad --host) did not start, so it does not log "stopped" either.
      if (listening) log.info("stopped");
    },
  };
}

function logEvent(log: Logger, event: import("./pairing/events.js").PairingEvent): void {
  switch (event.type) {
    case "pairing.requested":
      return log.info("pairing requested", { requestId: event.request.id, fingerprint: event.request.fingerprint, address: event.request.address });
    case "pairing.resolved":
      return log.info(`pairing ${event.outcome}`, { requestId: event.request.id, deviceId: event.request.deviceId });
    case "device.revoked":
      return log.info("device revoked", { deviceId: event.device.id, by: event.byName });
    case "device.updated":
      return log.info("device renamed", { deviceId: event.device.id });
    case "invites.changed":
      return log.debug("invites changed");
  }
}
