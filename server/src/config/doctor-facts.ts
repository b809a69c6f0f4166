// What the running gateway reports to `pairgate doctor` over the admin socket: how it was started, what it
// binds, its state dir as this process sees it, and the recent upgrades and refusals. Local admins only
// (the admin socket is 0600), so addresses and headers are shown as received; secrets never are.
import { existsSync } from "node:fs";
import type { LimitsConfig } from "../gateway/limits.js";
import type { Refusal } from "../gateway/refusals.js";
import type { ResyncReport } from "../gateway/replica-sync.js";
import type { UpgradeSeen } from "../log/recent-upgrades.js";
import type { ChangeFeedHealth, StoreInfo } from "../store/device-store.js";
import type { GatewayConfig, SettingSource } from "./config.js";
import type { PublicUrl } from "./public-url.js";
import { inspectStateDir, type StateDirFacts } from "./state-dir.js";

export const DOCTOR_RECENT = 20;

/** The store as this gateway uses it, and for a shared one how it hears of other replicas' changes. */
export interface StoreFacts extends StoreInfo {
  replicaId: string;
  /** null for a store only this process uses (SQLite). */
  changeFeed: ChangeFeedHealth | null;
  lastResync: ResyncReport | null;
}

export interface DoctorFacts {
  name: string;
  version: string;
  process: { pid: number; uid: number | null; node: string; platform: string; inContainer: boolean };
  bind: { host: string; port: number };
  publicUrl: string;
  /** Whether publicUrl is inferred, and from what (see public-url.ts). */
  publicUrlGuessed: boolean;
  publicUrlSource: string;
  stateDir: StateDirFacts;
  store: StoreFacts;
  config: { file: string | null; logLevel: string; sources: Record<string, SettingSource> };
  allowedHosts: string[];
  allowedOrigins: string[];
  trustedProxies: string[];
  /** The front door: pairgate's route prefix and the app it proxies to ("" for none). */
  frontDoor?: { prefix: string; upstream: string };
  limits: LimitsConfig;
  sockets: { open: number; unauthenticated: number };
  upgradesTotal: number;
  /** Newest first, at most DOCTOR_RECENT. */
  recentUpgrades: UpgradeSeen[];
  refusedTotal: number;
  /** Newest first, at most DOCTOR_RECENT: refused upgrades and handshakes with reason, address, Origin and Host. */
  recentRefusals: Refusal[];
}

export interface DoctorRuntime {
  port: number;
  publicUrl: PublicUrl;
  version: string;
  store: StoreFacts;
  sockets: { open: number; unauthenticated: number };
  upgrades: { total: number; latest(n: number): UpgradeSeen[] };
  refusals: { total: number; latest(n: number): Refusal[] };
}

export function collectDoctorFacts(config: GatewayConfig, rt: DoctorRuntime): DoctorFacts {
  return {
    name: config.name,
    version: rt.version,
    process: { pid: process.pid, uid: process.getuid?.() ?? null, node: process.version, platform: process.platform, inContainer: isInContainer() },
    bind: { host: config.host, port: rt.port },
    publicUrl: rt.publicUrl.url,
    publicUrlGuessed: rt.publicUrl.guessed,
    publicUrlSource: rt.publicUrl.source,
    stateDir: inspectStateDir(config.stateDir),
    store: rt.store,
    config: { file: config.configFile ?? null, logLevel: config.logLevel, sources: config.sources ?? {} },
    allowedHosts: config.allowedHosts,
    allowedOrigins: config.allowedOrigins,
    trustedProxies: config.trustedProxies.map((c) => c.text),
    frontDoor: { prefix: config.prefix ?? "", upstream: config.upstream ?? "" },
    limits: config.limits,
    sockets: rt.sockets,
    upgradesTotal: rt.upgrades.total,
    recentUpgrades: rt.upgrades.latest(DOCTOR_RECENT),
    refusedTotal: rt.refusals.total,
    recentRefusals: rt.refusals.latest(DOCTOR_RECENT),
  };
}

let containerCache: boolean | null = null;

/**
 * Docker creates /.dockerenv and Podman /run/.containerenv; good enough for a hint or a guess that is labelled as
 * one, never for advice (a healthy nginx setup in a container was once told to bind 0.0.0.0 because of it).
 */
export function isInContainer(): boolean {
  containerCache ??= existsSync("/.dockerenv") || existsSync("/run/.containerenv");
  return containerCache;
}
