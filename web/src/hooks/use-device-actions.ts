// Admin actions on devices and pending requests, on pairgate/react's useCall. Results arrive twice: as the RPC
// answer (for the form that asked) and as devices.changed (for every admin tab).
import { useCallback } from "react";
import { useCall } from "../react/use-call.js";

export function useApprove() {
  return useCall("devices.approve");
}

export function useReject() {
  const action = useCall("devices.reject");
  const { run } = action;
  return { ...action, run: useCallback((requestId: string) => run({ requestId }), [run]) };
}

export function useRevoke() {
  const action = useCall("devices.revoke");
  const { run } = action;
  return { ...action, run: useCallback((deviceId: string) => run({ deviceId }), [run]) };
}

export function useRename() {
  const action = useCall("devices.rename");
  const { run } = action;
  return { ...action, run: useCallback((deviceId: string, name: string) => run({ deviceId, name }), [run]) };
}
