// Invite actions. The created token is kept only in this hook's state, shown once, then dropped.
import { useCallback } from "react";
import type { MethodParams } from "../../../shared/protocol/rpc.js";
import { useAppServices } from "./app-services.js";
import { useAsyncAction } from "./use-async-action.js";

export function useCreateInvite() {
  const { client } = useAppServices();
  return useAsyncAction(useCallback((params: MethodParams<"invites.create">) => client.call("invites.create", params), [client]));
}

export function useRevokeInvite() {
  const { client } = useAppServices();
  return useAsyncAction(useCallback((inviteId: string) => client.call("invites.revoke", { inviteId }), [client]));
}
