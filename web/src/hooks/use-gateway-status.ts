// gateway.status for the home page: loaded once per session; the counts then follow the gateway.counts event,
// which every paired session gets (viewers included). Uptime ticks locally from the fetch time.
import { useEffect, useState } from "react";
import type { GatewayStatus } from "../../../shared/protocol/rpc.js";
import { toCallError, type GatewayCallError } from "../gateway/call-error.js";
import { usePairgate } from "../react/context.js";

type StatusState =
  | { status: "loading"; data: null; error: null }
  | { status: "ready"; data: GatewayStatus & { fetchedAtMs: number }; error: null }
  | { status: "error"; data: null; error: GatewayCallError };

export function useGatewayStatus(sessionEpoch: number): StatusState {
  const client = usePairgate();
  const [state, setState] = useState<StatusState>({ status: "loading", data: null, error: null });
  useEffect(() => {
    let isCurrent = true;
    const load = () =>
      client.call("gateway.status", {}).then(
        (data) => isCurrent && setState({ status: "ready", data: { ...data, fetchedAtMs: Date.now() }, error: null }),
        (error: unknown) => isCurrent && setState({ status: "error", data: null, error: toCallError(error) }),
      );
    void load();
    const off = client.on("gateway.counts", ({ counts }) => {
      if (isCurrent) setState((previous) => (previous.status === "ready" ? { ...previous, data: { ...previous.data, counts } } : previous));
    });
    return () => {
      isCurrent = false;
      off();
    };
  }, [client, sessionEpoch]);
  return state;
}
