// gateway.status for the home page: loaded once per session, refreshed when devices change (admins get
// that event). Uptime ticks locally from the fetch time instead of asking again.
import { useEffect, useState } from "react";
import type { GatewayStatus } from "../../../shared/protocol/rpc.js";
import { toCallError, type GatewayCallError } from "../gateway/call-error.js";
import { changesDevices } from "../lib/devices-list.js";
import { useAppServices } from "./app-services.js";

type StatusState =
  | { status: "loading"; data: null; error: null }
  | { status: "ready"; data: GatewayStatus & { fetchedAtMs: number }; error: null }
  | { status: "error"; data: null; error: GatewayCallError };

export function useGatewayStatus(sessionEpoch: number): StatusState {
  const { client } = useAppServices();
  const [state, setState] = useState<StatusState>({ status: "loading", data: null, error: null });
  useEffect(() => {
    let isCurrent = true;
    const load = () =>
      client.call("gateway.status", {}).then(
        (data) => isCurrent && setState({ status: "ready", data: { ...data, fetchedAtMs: Date.now() }, error: null }),
        (error: unknown) => isCurrent && setState({ status: "error", data: null, error: toCallError(error) }),
      );
    void load();
    // Presence-only diffs (sockets coming and going) don't change the counts worth a round trip.
    const off = client.on("devices.changed", (diff) => changesDevices(diff) && void load());
    return () => {
      isCurrent = false;
      off();
    };
  }, [client, sessionEpoch]);
  return state;
}
