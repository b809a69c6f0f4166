// Admin actions on devices and pending requests. Results arrive twice: as the RPC answer (for the form
// that asked) and as devices.changed (for every admin tab).
import { useCallback } from "react";
import type { MethodParams } from "../../../shared/protocol/rpc.js";
import { useAppServices } from "./app-services.js";
import { useAsyncAction } from "./use-async-action.js";

export function useApprove() {
  const { client } = useAppServices();
  return useAsyncAction(useCallback((params: MethodParams<"devices.approve">) => client.call("devices.approve", params), [client]));
}

export function useReject() {
  const { client } = useAppServices();
  return useAsyncAction(useCallback((requestId: string) => client.call("devices.reject", { requestId }), [client]));
}

export function useRevoke() {
  const { client } = useAppServices();
  return useAsyncAction(useCallback((deviceId: string) => client.call("devices.revoke", { deviceId }), [client]));
}

export function useRename() {
  const { client } = useAppServices();
  return useAsyncAction(useCallback((deviceId: string, name: string) => client.call("devices.rename", { deviceId, name }), [client]));
}
