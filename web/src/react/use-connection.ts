// The connection as React sees it: the device once paired, the pairing request while waiting, and the whole
// snapshot (close code, key, notice) for screens that explain every state.
import { useSyncExternalStore } from "react";
import type { GatewaySnapshot, GatewayState } from "../gateway/gateway-state.js";
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
    /** Everything the client knows: the raw state (a reconnect shows as "connecting" with `resume`), key, close code. */
    snapshot,
    retryNow: client.retryNow,
    requestAgain: client.requestAgain,
    pairAgain: client.pairAgain,
  };
}
