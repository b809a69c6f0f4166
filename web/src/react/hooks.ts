// Hooks over the pairgate client: connection state, pairing, the device list for admins, app methods, events.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { MethodsShape, ParamsOf, ResultOf } from "../client/index.js";
import { toCallError, type GatewayCallError } from "../gateway/call-error.js";
import type { GatewaySnapshot, GatewayState } from "../gateway/gateway-state.js";
import type { MethodParams, Role } from "../../../shared/index.js";
import { DEVICES_PAGE_MAX } from "../../../shared/protocol/device-search.js";
import { appendPage, applyDiff, listFromPage, type DevicesList } from "../lib/devices-list.js";
import { usePairgate } from "./context.js";

function useSnapshot(): GatewaySnapshot {
  const client = usePairgate();
  return useSyncExternalStore(client.subscribe, client.getSnapshot);
}

/** While a dropped socket reconnects, the last paired or pending state stays on screen. */
function shownState(snapshot: GatewaySnapshot): GatewayState {
  const { state } = snapshot;
  return state.status === "connecting" && state.resume ? state.resume : state;
}

export function useDevice() {
  const snapshot = useSnapshot();
  const state = shownState(snapshot);
  return {
    status: state.status,
    device: state.status === "paired" ? state.device : null,
    role: state.status === "paired" ? state.role : null,
    request: state.status === "pending" ? state.request : null,
    error: snapshot.lastErrorCode,
    state,
    /** Increments on every welcome: data hooks refetch after a reconnect. */
    sessionEpoch: snapshot.sessionEpoch,
  };
}

export function usePairing() {
  const client = usePairgate();
  const snapshot = useSnapshot();
  const state = shownState(snapshot);
  return {
    status: state.status,
    state,
    code: state.status === "pending" ? state.request.code : null,
    fingerprint: state.status === "pending" ? state.request.fingerprint : null,
    expiresAtMs: state.status === "pending" ? state.request.expiresAtMs : null,
    approveCommand: state.status === "pending" ? state.approveCommand : null,
    notice: snapshot.notice,
    retryNow: client.retryNow,
    requestAgain: client.requestAgain,
    pairAgain: client.pairAgain,
  };
}

/** Calls one method; `data`/`error` hold the last call's outcome. */
export function useCall<M extends MethodsShape = Record<never, never>, K extends keyof M & string = keyof M & string>(method: K) {
  const client = usePairgate<M>();
  const [data, setData] = useState<ResultOf<M[K]> | undefined>(undefined);
  const [error, setError] = useState<GatewayCallError | null>(null);
  const [pending, setPending] = useState(false);
  const call = useCallback(
    async (params: ParamsOf<M[K]>): Promise<ResultOf<M[K]>> => {
      setPending(true);
      try {
        const result = await client.call(method, params);
        setData(result);
        setError(null);
        return result;
      } catch (err) {
        const coded = toCallError(err);
        setError(coded);
        throw coded;
      } finally {
        setPending(false);
      }
    },
    [client, method],
  );
  return { call, data, error, pending };
}

/** Runs `handler` for each published event named `name` while the component is mounted. */
export function useEvent<T = unknown>(name: string, handler: (data: T) => void): void {
  const client = usePairgate();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => client.on<T>(name, (data) => latest.current(data)), [client, name]);
}

/**
 * The device list, pending requests and invites, live (admins only; others get error "forbidden"). It loads every
 * page, then follows the devices.changed diffs; a missed diff reloads.
 */
export function useDevices() {
  const client = usePairgate();
  const { status, sessionEpoch } = useDevice();
  const [list, setList] = useState<DevicesList | null>(null);
  const [error, setError] = useState<GatewayCallError | null>(null);
  // Diffs apply to the latest list, not to the one the last render saw.
  const latest = useRef<DevicesList | null>(null);
  const refresh = useCallback(() => {
    (async () => {
      let all = listFromPage("", await client.call("devices.list", { limit: DEVICES_PAGE_MAX }));
      while (all.nextCursor) {
        const next = appendPage(all, await client.call("devices.list", { limit: DEVICES_PAGE_MAX, cursor: all.nextCursor }));
        if (!next) return refresh(); // diffs moved on while paging: start again
        all = next;
      }
      latest.current = all;
      setList(all);
      setError(null);
    })().catch((err: unknown) => setError(toCallError(err)));
  }, [client]);
  useEffect(() => {
    if (status === "paired") refresh();
  }, [status, sessionEpoch, refresh]);
  useEffect(
    () =>
      client.on("devices.changed", (diff) => {
        if (!latest.current) return;
        const next = applyDiff(latest.current, diff);
        if (next === "gap") return refresh();
        if (next === "stale") return;
        latest.current = next;
        setList(next);
      }),
    [client, refresh],
  );
  return { devices: list?.rows ?? [], pending: list?.pending ?? [], invites: list?.invites ?? [], loading: list === null && error === null, error, refresh };
}

/** Browsers waiting for approval, and the two answers an admin can give. */
export function usePendingApprovals() {
  const client = usePairgate();
  const { pending, error, refresh } = useDevices();
  const approve = useCallback(
    (params: { code: string; role?: Role; name?: string } & Omit<MethodParams<"devices.approve">, "code" | "role" | "name">) => client.call("devices.approve", params),
    [client],
  );
  const reject = useCallback((requestId: string) => client.call("devices.reject", { requestId }), [client]);
  return { pending, error, refresh, approve, reject };
}
