// The standalone gateway: the public createPairgate (store → pairing service → session hub → /ws) on its own
// HTTP server with the dashboard, plus the admin socket. Clock and timers are injected so tests can drive time.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PROTOCOL_VERSION, WS_PATH } from "../../shared/index.js";
import { approveCommand, cliCommandOf } from "./config/cli-command.js";
import { createPairgate } from "./core/create-pairgate.js";
import { postgresStore } from "./core/stores.js";
import type { GatewayConfig } from "./config/config.js";
import { collectDoctorFacts, isInContainer } from "./config/doctor-facts.js";
import { derivePublicUrl, findLanAddress, type PublicUrl } from "./config/public-url.js";
import { RefusalLog, type Refusal } from "./gateway/refusals.js";
import type { RpcDispatch } from "./gateway/rpc-handlers.js";
import { realTimers, type Timers } from "./gateway/socket.js";
import { createFrontDoor } from "./front-door/front-door.js";
import { createHttpServer } from "./http/http-server.js";
import { writeRawResponse } from "./http/raw-response.js";
import { loadStaticFiles } from "./http/static-files.js";
import { clientAddress, isTrustedProxy } from "./http/trust.js";
import { describeRequest } from "./http/whoami.js";
import { createLogger, type Logger } from "./log/logger.js";
import { every } from "./log/periodic.js";
import { RecentUpgrades, recordUpgradeRequest } from "./log/recent-upgrades.js";
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
  /** Device session lifetimes (createPairgate's options of the same names); tests shorten them. */
  sessionIdleMs?: number;
  sessionMaxAgeMs?: number;
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>;

const REFUSAL_AUDIT_MS = 10_000;

export async function createGateway(config: GatewayConfig, opts: GatewayOptions = {}) {
  const now = opts.now ?? Date.now;
  const timers = opts.timers ?? realTimers;
  const log = opts.log ?? createLogger(config.logLevel);
  const startedAtMs = now();

  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  // This process among the gateways sharing one database: in NOTIFY payloads, doctor and logs. New each start.
  const replicaId = `rep_${randomBytes(9).toString("base64url")}`;
  const store = opts.store ?? (await openStore(config, replicaId, log));
  const onInternalError = (err: unknown) => log.error("internal error", { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  const refusals = new RefusalLog();
  const upgrades = new RecentUpgrades();
  // Until listen() knows the port, links use --public-url as it is (empty when not set).
  let link: PublicUrl = { url: config.publicUrl, guessed: false, source: "--public-url" };
  // The standalone gateway is an app on the public API like any other (docs/embedding.md), with no methods of its own.
  const pg = await createPairgate({
    store,
    name: config.name,
    allowedHosts: config.allowedHosts,
    allowedOrigins: config.allowedOrigins,
    trustedProxies: config.trustedProxies.map((c) => c.text),
    limits: config.limits,
    approveCommand: (code) => approveCommand(cliCommandOf(config), code),
    publicUrl: () => link.url,
    idleExpiryMs: config.idleExpiryMs ?? null,
    log,
    now,
    timers,
    ...(opts.sessionIdleMs ? { sessionIdleMs: opts.sessionIdleMs } : {}),
    ...(opts.sessionMaxAgeMs ? { sessionMaxAgeMs: opts.sessionMaxAgeMs } : {}),
  }).catch(async (err: unknown) => {
    await store.close(); // a Postgres pool would keep the process alive after a failed start
    throw err;
  });
  pg.on("refused", recordRefusal);
  pg.on("pairing.requested", ({ request }) =>
    log.info("pairing requested", { requestId: request.id, fingerprint: request.fingerprint, address: request.seenFrom.address }),
  );
  pg.on("pairing.resolved", (e) => log.info(`pairing ${e.outcome}`, { requestId: e.requestId, deviceId: e.device?.id }));
  pg.on("device.revoked", (e) => log.info("device revoked", { deviceId: e.device.id, by: e.byName }));
  pg.on("device.updated", (e) => log.info("device renamed", { deviceId: e.device.id }));
  pg.on("device.added", (e) => log.info("device paired by invite", { deviceId: e.device.id }));
  pg.on("invites.changed", () => log.debug("invites changed"));
  pg.on("gateway.alert", (a) => log.warn("refusal burst", { address: a.address, networkClass: a.networkClass, count: a.count, windowMs: a.windowMs }));
  // Tests speak in method names, as the CLI does; every call runs as the local operator.
  const dispatch: RpcDispatch = (caller, method, params) => pg.call(method, params, caller.kind === "cli" && caller.actor ? { actor: caller.actor } : {});

  const webRoot = opts.webRoot ?? resolve(dirname(fileURLToPath(import.meta.url)), "../web");
  const prefix = config.prefix ?? "";
  // The front door (docs/front-door.md) exists once pairgate's routes move under a prefix.
  const frontDoor = prefix
    ? createFrontDoor({ prefix, sessions: pg.sessions, trust: config, upstream: config.upstream || null, onError: onInternalError })
    : undefined;
  const { server: http, connections } = createHttpServer({
    prefix,
    ...(frontDoor ? { frontDoor } : {}),
    onError: onInternalError,
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
  const wsPath = `${prefix}${WS_PATH}`;
  pg.attach(http, { path: wsPath, refuseOtherPaths: !prefix });
  if (prefix) {
    // pairgate's socket is taken above; a forward-auth check may come as an upgrade (front-door.ts, authUpgrade);
    // other upgrades under the prefix don't exist, those outside go to the app.
    http.on("upgrade", (req, socket, head: Buffer) => {
      const path = (req.url ?? "/").split("?")[0]!;
      if (path === wsPath) return;
      if (path === `${prefix}/auth` && (req.method === "GET" || req.method === "HEAD")) return frontDoor!.authUpgrade(req, socket);
      if (path.startsWith(`${prefix}/`) || !config.upstream) return writeRawResponse(socket, 404, `pairgate: no WebSocket endpoint here; use ${wsPath}\n`);
      frontDoor!.upgrade(req, socket, head);
    });
  }

  const intervals = [every("refusal audit flush", REFUSAL_AUDIT_MS, () => flushRefusalAudit(), log, now)];
  const flushRefusalAudit = async () => {
    const entries = refusals.drainAudit(now());
    if (entries.length) await store.appendAudit(entries);
  };

  let admin: { close(): Promise<void> } | null = null;
  let stopped = false;
  let listening = false;

  return {
    config,
    store,
    refusals,
    gatewayId: pg.gatewayId,
    replicaId,
    /** The library API this gateway runs on (sessions, devices, …), for tests and the admin tools. */
    pairgate: pg,
    /** Open WebSockets proxied to the upstream app. */
    get proxiedSockets(): number {
      return frontDoor?.proxiedSockets ?? 0;
    },
    dispatch,
    /** Runs the expiry sweep now (tests with an injected clock call this instead of waiting). */
    sweep: () => pg.sweep(),
    /** Runs the device expiry sweep now. */
    sweepDevices: () => pg.sweepDevices(),
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
      const { open, unauthenticated } = pg.sockets;
      return { open, unauthenticated };
    },
    /** Sockets waiting on pending requests (their own pool, at most two per request). */
    get waitingSockets(): number {
      return pg.sockets.waiting;
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
        admin = await pg.serveCli({
          dir: config.stateDir,
          doctor: () =>
            collectDoctorFacts(config, {
              port,
              publicUrl: link,
              version: GATEWAY_VERSION,
              store: { ...store.info(), replicaId, changeFeed: store.changes?.health() ?? null, lastResync: pg.lastResync },
              sockets: { open: pg.sockets.open, unauthenticated: pg.sockets.unauthenticated },
              upgrades,
              refusals,
            }),
        });
      }
      listening = true;
      return port;
    },
    /** An admin invite for first start, when no admin device exists yet (docs/design.md#pairing). */
    async firstStartInvite(): Promise<{ url: string; expiresAtMs: number } | null> {
      if ((await store.countActiveAdmins()) > 0) return null;
      // No label: a label would become the admin device's name; the creator "gateway (first start)" says what it is.
      const created = await pg.invites.create({ role: "admin" }, { actor: "gateway (first start)" });
      return { url: created.url, expiresAtMs: created.expiresAtMs };
    },
    /** Graceful stop: shutting_down to every socket, then close the servers and the DB (docs/design.md#details). */
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      for (const t of intervals) clearInterval(t);
      await admin?.close();
      frontDoor?.close();
      await pg.close({ graceMs: 1000, keepStoreOpen: true });
      http.closeAllConnections?.();
      await new Promise<void>((r) => http.close(() => r()));
      await flushRefusalAudit().catch(onInternalError);
      await store.close();
      // A gateway that never listened (busy port, bad --host) did not start, so it does not log "stopped" either.
      if (listening) log.info("stopped");
    },
  };
}

/** SQLite in the state dir, or the shared Postgres database that --database names. */
async function openStore(config: GatewayConfig, replicaId: string, log: Logger): Promise<DeviceStore> {
  if (!config.database) return new SqliteStore(join(config.stateDir, "pairgate.db"));
  return postgresStore(config.database, { replicaId, onError: (message) => log.warn("store", { problem: message }) });
}
