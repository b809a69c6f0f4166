// Authenticated requests (docs/protocol.md#requests-and-events), for dashboard sessions and the admin socket alike: one
// role check, one params parse from shared/protocol/rpc.ts, one handler per method.
import {
  DEFAULT_ROLE,
  isMethodName,
  METHODS,
  PairgateError,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type AppSessionView,
} from "../../../shared/index.js";
import { inviteUrl } from "../pairing/invites.js";
import { auditedActor, type Actor, type PairingService } from "../pairing/pairing-service.js";
import type { TicketBook } from "../sessions/tickets.js";
import type { DeviceStore } from "../store/device-store.js";
import { actorOf, type RpcCaller } from "./caller.js";
import type { SessionHub } from "./session-hub.js";
import { toAuditEntry, toDeviceView, toPairedNotice } from "./views.js";

/** The recent activity list a paired tab shows: short, so a new entry stands out. */
const RECENT_PAIRINGS_DEFAULT = 5;

export type { RpcCaller } from "./caller.js";

export interface RpcDeps {
  service: PairingService;
  store: DeviceStore;
  hub: SessionHub;
  tickets: TicketBook;
  now: () => number;
  gateway: { name: string; version: string; gatewayId: string; startedAtMs: number };
  /** Base for invite links made from the CLI (dashboard sessions use their own origin). */
  publicUrl: string;
  /** The front door's app sessions (server/src/sessions/session-registry.ts). */
  sessions: AppSessions;
}

/** What the admin methods need of the session registry: its memory, never the cookie or its hash. */
export interface AppSessions {
  list(opts: { deviceId?: string }): Array<Omit<AppSessionView, "deviceName">>;
  end(sessionId: string): Promise<boolean>;
  endForDevice(deviceId: string): Promise<number>;
}

type Handler<M extends MethodName> = (params: MethodParams<M>, caller: RpcCaller, actor: Actor) => Promise<MethodResult<M>>;

export function createRpcDispatcher(deps: RpcDeps) {
  const { service, store, hub } = deps;
  const currentId = (caller: RpcCaller) => (caller.kind === "device" ? caller.deviceId : undefined);

  const handlers: { [M in MethodName]: Handler<M> } = {
    "gateway.status": async (_p, caller) => ({
      name: deps.gateway.name,
      version: deps.gateway.version,
      gatewayId: deps.gateway.gatewayId,
      uptimeMs: deps.now() - deps.gateway.startedAtMs,
      counts: { devices: await store.countDevices(), pending: (await store.listLivePending(deps.now())).length, online: hub.onlineDevices() },
      seenFrom: caller.kind === "device" ? caller.seenFrom : { address: "local", networkClass: "loopback" },
    }),
    "session.ticket": async (_p, caller) => {
      // Only a browser that proved its key here gets one; the ticket is bound to that browser's origin.
      if (caller.kind !== "device" || !caller.origin) throw new PairgateError("forbidden", "Only a paired browser can ask for a session ticket.");
      return deps.tickets.issue(caller.deviceId, caller.origin);
    },
    "devices.list": async (p, caller) => hub.listDevices(currentId(caller), p),
    "devices.approve": async (p, caller, actor) => {
      const device = await service.approve({ ...p, role: p.role ?? DEFAULT_ROLE }, actor);
      return toDeviceView(device, hub.onlineCount(device.id), currentId(caller));
    },
    "devices.reject": async (p, _c, actor) => {
      await service.reject(p, actor);
      return {};
    },
    "devices.revoke": async (p, _c, actor) => {
      const started = performance.now();
      const closedConnections = hub.onlineCount(p.deviceId);
      await service.revoke(p.deviceId, actor); // the hub closes the sockets synchronously on the event
      return { closedConnections, ms: Math.round((performance.now() - started) * 100) / 100 };
    },
    "devices.recent": async (p) => ({
      paired: (await store.listDevicesPage({ limit: p.limit ?? RECENT_PAIRINGS_DEFAULT })).map(toPairedNotice),
    }),
    "devices.rename": async (p, caller, actor) => {
      const device = await service.rename(p.deviceId, p.name, actor);
      return toDeviceView(device, hub.onlineCount(device.id), currentId(caller));
    },
    "invites.create": async (p, caller, actor) => {
      const created = await service.createInvite(p, actor);
      const base = caller.kind === "device" && caller.origin ? caller.origin : deps.publicUrl;
      return { inviteId: created.record.id, token: created.token, url: inviteUrl(base, created.token), expiresAtMs: created.record.expiresAtMs };
    },
    "invites.revoke": async (p, _c, actor) => {
      await service.revokeInvite(p.inviteId, actor);
      return {};
    },
    "audit.list": async (p) => ({
      entries: (await store.listAudit({ limit: p.limit ?? 100, ...(p.beforeId !== undefined ? { beforeId: p.beforeId } : {}) })).map(toAuditEntry),
    }),
    "sessions.list": async (p) => {
      const sessions = deps.sessions.list(p.deviceId !== undefined ? { deviceId: p.deviceId } : {});
      // One read per device that has sessions (admins only, never per request): names change, sessions don't carry them.
      const names = new Map<string, string>();
      for (const id of new Set(sessions.map((s) => s.deviceId))) names.set(id, (await store.getDevice(id))?.name ?? "");
      return { sessions: sessions.map((s) => ({ ...s, deviceName: names.get(s.deviceId) ?? "" })) };
    },
    "sessions.end": async (p, _c, actor) => {
      if ((p.sessionId === undefined) === (p.deviceId === undefined)) throw new PairgateError("invalid_params", "Give either sessionId or deviceId.");
      let ended: number;
      let deviceId = p.deviceId;
      if (p.sessionId !== undefined) {
        // Read before ending: the audit entry names the device whose session it was.
        deviceId = (await store.getSession(p.sessionId))?.deviceId;
        if (!(await deps.sessions.end(p.sessionId))) throw new PairgateError("not_found", "No such session: it may have ended already.");
        ended = 1;
      } else ended = await deps.sessions.endForDevice(p.deviceId!);
      if (ended > 0) await auditSessionsEnded(ended, deviceId, p.sessionId, actor);
      return { ended };
    },
  };

  /** Ending sessions is an admin action like revoke: it goes in the audit log with who did it. */
  async function auditSessionsEnded(count: number, deviceId: string | undefined, sessionId: string | undefined, actor: Actor): Promise<void> {
    const device = deviceId ? await store.getDevice(deviceId) : null;
    await store.appendAudit([
      {
        atMs: deps.now(),
        action: "sessions_ended",
        actor: actor.name,
        ...(deviceId ? { deviceId } : {}),
        detail: {
          ...auditedActor(actor),
          count,
          ...(sessionId ? { sessionId } : {}),
          ...(device ? { name: device.name, fingerprint: device.fingerprint } : {}),
        },
      },
    ]);
  }

  return async function dispatch(caller: RpcCaller, method: string, rawParams: unknown): Promise<unknown> {
    if (!isMethodName(method)) throw new PairgateError("not_found", `Unknown method ${method.slice(0, 64)}.`);
    const spec = METHODS[method];
    // Role before params: a viewer learns nothing about an admin method's params, only that it is forbidden.
    if (caller.kind === "device" && caller.role !== "admin" && spec.role === "admin") throw new PairgateError("forbidden");
    const parsed = spec.params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      throw invalidParams(parsed.error.issues);
    }
    const params = parsed.data as Record<string, unknown>;
    if (caller.kind === "device" && caller.role !== "admin") {
      const ownDevice = spec.role === "self" && params.deviceId === caller.deviceId;
      if (spec.role !== "any" && !ownDevice) throw new PairgateError("forbidden");
    }
    return (handlers[method] as Handler<MethodName>)(params as never, caller, actorOf(caller));
  };
}

export type RpcDispatch = ReturnType<typeof createRpcDispatcher>;

/** invalid_params naming the first failing value: its path in the message and as `path` on the error. */
export function invalidParams(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): PairgateError {
  const issue = issues[0];
  const path = (issue?.path ?? []).map((k) => (typeof k === "number" ? k : String(k)));
  const err = new PairgateError("invalid_params", issue ? `${path.join(".") || "params"}: ${issue.message}` : "Invalid parameters.");
  err.path = path;
  return err;
}
