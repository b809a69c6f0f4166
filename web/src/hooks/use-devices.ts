// Devices, pending requests and invites for the admin page: one devices.list per session, then every
// devices.changed event replaces the data. No polling, no reload (DESIGN §1.3).
import { useEffect, useState } from "react";
import type { DevicesListResult } from "../../../shared/protocol/rpc.js";
import { toCallError, type GatewayCallError } from "../gateway/call-error.js";
import { useAppServices } from "./app-services.js";

type DevicesState =
  | { status: "loading"; data: null; error: null }
  | { status: "ready"; data: DevicesListResult; error: null }
  | { status: "error"; data: null; error: GatewayCallError };

export function useDevices(sessionEpoch: number): DevicesState {
  const { client } = useAppServices();
  const [state, setState] = useState<DevicesState>({ status: "loading", data: null, error: null });
  useEffect(() => {
    let isCurrent = true;
    // Events and replies share one ordered socket, so whichever arrives last is the newest list.
    const show = (data: DevicesListResult) => isCurrent && setState({ status: "ready", data, error: null });
    const off = client.on("devices.changed", show);
    client.call("devices.list", {}).then(show, (error: unknown) => {
      if (isCurrent) setState({ status: "error", data: null, error: toCallError(error) });
    });
    return () => {
      isCurrent = false;
      off();
    };
  }, [client, sessionEpoch]);
  return state;
}
