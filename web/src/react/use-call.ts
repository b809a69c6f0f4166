// One method, called from a component: its last outcome as state, typed from the server's method map (app
// methods) or from shared/protocol/rpc.ts (pairgate's own).
import { useCallback, useState } from "react";
import type { MethodName, MethodParams, MethodResult } from "../../../shared/protocol/rpc.js";
import type { MethodsShape, ParamsOf, ResultOf } from "../client/index.js";
import { toCallError, type GatewayCallError } from "../gateway/call-error.js";
import { usePairgate } from "./context.js";

export type CallState<R> =
  | { status: "idle"; data: undefined; error: null }
  | { status: "busy"; data: R | undefined; error: null }
  | { status: "done"; data: R; error: null }
  | { status: "error"; data: R | undefined; error: GatewayCallError };

export type CallHandle<P, R> = CallState<R> & {
  /** Resolves with the result, or rejects with a PairgateCallError (also kept in `error`). */
  call(params: P): Promise<R>;
  /** Like call(), but never rejects: undefined on failure, the error is in `error` (for buttons and forms). */
  run(params: P): Promise<R | undefined>;
  /** Back to idle: forgets the last result and error. */
  reset(): void;
  pending: boolean;
};

const IDLE = { status: "idle", data: undefined, error: null } as const;

/** A pairgate method (devices.approve, devices.list, …), for admin screens. */
export function useCall<K extends MethodName>(method: K): CallHandle<MethodParams<K>, MethodResult<K>>;
/** An app method: `useCall<typeof methods, "notes.add">("notes.add")`. */
export function useCall<M extends MethodsShape = Record<never, never>, K extends keyof M & string = keyof M & string>(
  method: K,
): CallHandle<ParamsOf<M[K]>, ResultOf<M[K]>>;
export function useCall(method: string): CallHandle<unknown, unknown> {
  const client = usePairgate();
  const [state, setState] = useState<CallState<unknown>>(IDLE);
  const call = useCallback(
    async (params: unknown): Promise<unknown> => {
      setState((previous) => ({ status: "busy", data: previous.data, error: null }));
      try {
        const data = await (client.call as (method: string, params: unknown) => Promise<unknown>)(method, params);
        setState({ status: "done", data, error: null });
        return data;
      } catch (err) {
        const error = toCallError(err);
        setState((previous) => ({ status: "error", data: previous.data, error }));
        throw error;
      }
    },
    [client, method],
  );
  const run = useCallback((params: unknown) => call(params).catch(() => undefined), [call]);
  const reset = useCallback(() => setState(IDLE), []);
  return { ...state, call, run, reset, pending: state.status === "busy" };
}
