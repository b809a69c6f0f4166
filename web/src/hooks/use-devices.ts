// Devices, pending requests and invites for the admin page: the first page of devices.list for the current search, more
// pages as the list scrolls, and every devices.changed diff applied in order. A diff that skips a seq, or a page that
// no longer fits the diffs, refetches from the first page. No polling (docs/architecture.md#principles-the-code-keeps).
import { useCallback, useEffect, useRef, useState } from "react";
import type { DevicesChanged } from "../../../shared/protocol/frames.js";
import { toCallError, type GatewayCallError } from "../gateway/call-error.js";
import { appendPage, applyDiff, listFromPage, type DevicesList } from "../lib/devices-list.js";
import { useAppServices } from "./app-services.js";

/** Rows per request: a screenful or three; the list asks for more as it scrolls. */
const PAGE_SIZE = 100;

type DevicesState =
  | { status: "loading"; data: DevicesList | null; error: null }
  | { status: "ready"; data: DevicesList; error: null }
  | { status: "error"; data: DevicesList | null; error: GatewayCallError };

export function useDevices(sessionEpoch: number, query: string) {
  const { client } = useAppServices();
  const [state, setState] = useState<DevicesState>({ status: "loading", data: null, error: null });
  const listRef = useRef<DevicesList | null>(null);
  const [reloads, setReloads] = useState(0);
  const isLoadingMore = useRef(false);

  const show = useCallback((data: DevicesList) => {
    listRef.current = data;
    setState({ status: "ready", data, error: null });
  }, []);

  useEffect(() => {
    let isCurrent = true;
    // Diffs that arrive before the first page are kept and applied after it (those it already reflects are stale).
    let early: DevicesChanged[] | null = [];
    listRef.current = null;
    setState((previous) => ({ status: "loading", data: previous.data, error: null }));
    const off = client.on("devices.changed", (diff) => {
      if (!isCurrent) return;
      if (early) return void early.push(diff);
      const list = listRef.current;
      if (!list) return;
      const next = applyDiff(list, diff);
      if (next === "gap") setReloads((n) => n + 1);
      else if (next !== "stale") show(next);
    });
    client.call("devices.list", { query, limit: PAGE_SIZE }).then(
      (page) => {
        if (!isCurrent) return;
        let list = listFromPage(query, page);
        for (const diff of early ?? []) {
          const next = applyDiff(list, diff);
          if (next === "gap") return void setReloads((n) => n + 1);
          if (next !== "stale") list = next;
        }
        early = null;
        show(list);
      },
      (error: unknown) => isCurrent && setState({ status: "error", data: null, error: toCallError(error) }),
    );
    return () => {
      isCurrent = false;
      off();
    };
  }, [client, sessionEpoch, query, reloads, show]);

  const loadMore = useCallback(() => {
    const list = listRef.current;
    if (!list?.nextCursor || isLoadingMore.current) return;
    isLoadingMore.current = true;
    client.call("devices.list", { query: list.query, cursor: list.nextCursor, limit: PAGE_SIZE }).then(
      (page) => {
        isLoadingMore.current = false;
        if (listRef.current !== list) return; // a diff or another search came first; the list asks again if it still needs rows
        const next = appendPage(list, page);
        if (next) show(next);
        else setReloads((n) => n + 1);
      },
      (error: unknown) => {
        isLoadingMore.current = false;
        setState({ status: "error", data: listRef.current, error: toCallError(error) });
      },
    );
  }, [client, show]);

  return { ...state, loadMore };
}
