// The connection state for screens: status, the whole snapshot, and the user's next-step actions.
import { useSyncExternalStore } from "react";
import type { GatewaySnapshot } from "../gateway/gateway-state.js";
import { useAppServices } from "./app-services.js";

export function useGateway() {
  const { client, reload } = useAppServices();
  const snapshot: GatewaySnapshot = useSyncExternalStore(client.subscribe, client.getSnapshot);
  return {
    status: snapshot.state.status,
    data: snapshot,
    error: snapshot.lastErrorCode,
    retryNow: client.retryNow,
    requestAgain: client.requestAgain,
    pairAgain: client.pairAgain,
    reload,
  };
}
