// Runs one RPC-backed action at a time and exposes its progress: idle → busy → done | error.
import { useCallback, useState } from "react";
import { toCallError, type GatewayCallError } from "../gateway/call-error.js";

export type ActionState<R> =
  | { status: "idle"; data: null; error: null }
  | { status: "busy"; data: null; error: null }
  | { status: "done"; data: R; error: null }
  | { status: "error"; data: null; error: GatewayCallError };

const IDLE = { status: "idle", data: null, error: null } as const;

export function useAsyncAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [state, setState] = useState<ActionState<R>>(IDLE);
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setState({ status: "busy", data: null, error: null });
      try {
        const data = await action(...args);
        setState({ status: "done", data, error: null });
        return data;
      } catch (error) {
        // Not swallowed: the error is the action's state, and the form that started it shows it.
        setState({ status: "error", data: null, error: toCallError(error) });
        return undefined;
      }
    },
    [action],
  );
  const reset = useCallback(() => setState(IDLE), []);
  return { ...state, run, reset };
}
