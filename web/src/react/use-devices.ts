// The devices list for admin screens, live: the first page of devices.list for a search, more pages on request,
// and every devices.changed diff applied in order. A diff that skips a seq, or a page that no longer fits the
// diffs, refetches from the first page. No polling. Viewers get error "forbidden".
import { useCallback, useEffect, useRef, useState } from "react";
import type { DevicesChanged } from "../../../shared/protocol/frames.js";
import type { MethodParams } from "../../../shared/protocol/rpc.js";
import type { Role } from "../../../shared/protocol/views.js";
import { toCallError, type GatewayCallError } from "../gateway/call-error.js";
import { appendPage, applyDiff, listFromPage, type DevicesList } from "../lib/devices-list.js";
import { usePairgate } from "./context.js";
import { useDevice } from "./use-connection.js";

export interface UseDevicesOptions {
  /** Name, fingerprint or id prefix, searched on the gateway (default: every device). */
  query?: string;
  /** Devices per request (default 100, at most 500); loadMore() asks for the next page. */
  pageSize?: number;
}

type DevicesState =
  | { status: "loading"; list: DevicesList | null; error: null }
  | { status: "ready"; list: DevicesList; error: null }
  | { status: "error"; list: DevicesList | null; error: GatewayCallError };

const NONE: never[] = [];

export function useDevices({ query = "", pageSize = 100 }: UseDevicesOptions = {}) {
  const client = usePairgate();
  const { status: connection, sessionEpoch } = useDevice();
  // Loads once per paired session; a reconnect keeps the list on screen until the new welcome refetches it.
  const epoch = connection === "paired" ? sessionEpoch : null;
  const [state, setState] = useState<DevicesState>({ status: "loading", list: null, error: null });
  const listRef = useRef<DevicesList | null>(null);
  const [reloads, setReloads] = useState(0);
  const isLoadingMore = useRef(false);
  const refresh = useCallback(() => setReloads((n) => n + 1), []);

  const show = useCallback((list: DevicesList) => {
    listRef.current = list;
    setState({ status: "ready", list, error: null });
  }, []);

  useEffect(() => {
    if (epoch === null) return;
    let isCurrent = true;
    // Diffs that arrive before the first page are kept and applied after it (those it already reflects are stale).
    let early: DevicesChanged[] | null = [];
    listRef.current = null;
    setState((previous) => ({ status: "loading", list: previous.list, error: null }));
    const off = client.on("devices.changed", (diff) => {
      if (!isCurrent) return;
      if (early) return void early.push(diff);
      const list = listRef.current;
      if (!list) return;
      const next = applyDiff(list, diff);
      if (next === "gap") refresh();
      else if (next !== "stale") show(next);
    });
    client.call("devices.list", { query, limit: pageSize }).then(
      (page) => {
        if (!isCurrent) return;
        let list = listFromPage(query, page);
        for (const diff of early ?? []) {
          const next = applyDiff(list, diff);
          if (next === "gap") return refresh();
          if (next !== "stale") list = next;
        }
        early = null;
        show(list);
      },
      (error: unknown) => isCurrent && setState({ status: "error", list: null, error: toCallError(error) }),
    );
    return () => {
      isCurrent = false;
      off();
    };
  }, [client, epoch, query, pageSize, reloads, refresh, show]);

  const loadMore = useCallback(() => {
    const list = listRef.current;
    if (!list?.nextCursor || isLoadingMore.current) return;
    isLoadingMore.current = true;
    client.call("devices.list", { query: list.query, cursor: list.nextCursor, limit: pageSize }).then(
      (page) => {
        isLoadingMore.current = false;
        if (listRef.current !== list) return; // a diff or another search came first; the list asks again if it still needs rows
        const next = appendPage(list, page);
        if (next) show(next);
        else refresh();
      },
      (error: unknown) => {
        isLoadingMore.current = false;
        setState({ status: "error", list: listRef.current, error: toCallError(error) });
      },
    );
  }, [client, pageSize, refresh, show]);

  const { list } = state;
  return {
    ...state,
    devices: list?.rows ?? NONE,
    pending: list?.pending ?? NONE,
    invites: list?.invites ?? NONE,
    /** Devices matching the search on the gateway, loaded or not. */
    total: list?.total ?? 0,
    hasMore: list?.nextCursor != null,
    loading: state.status === "loading",
    loadMore,
    refresh,
  };
}

/** Browsers waiting for approval, and the two answers an admin can give. */
export function usePendingApprovals() {
  const client = usePairgate();
  const { pending, error, refresh } = useDevices();
  const approve = useCallback(
    (params: { code: string; role?: Role; name?: string } & Omit<MethodParams<"devices.approve">, "code" | "role" | "name">) =>
      client.call("devices.approve", params),
    [client],
  );
  const reject = useCallback((requestId: string) => client.call("devices.reject", { requestId }), [client]);
  return { pending, error, refresh, approve, reject };
}
