// Invite actions, on pairgate/react's useCall. The created token is kept only in this hook's state, shown once,
// then dropped.
import { useCallback } from "react";
import { useCall } from "../react/use-call.js";

export function useCreateInvite() {
  return useCall("invites.create");
}

export function useRevokeInvite() {
  const action = useCall("invites.revoke");
  const { run } = action;
  return { ...action, run: useCallback((inviteId: string) => run({ inviteId }), [run]) };
}
