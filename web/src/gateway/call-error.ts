// The one error type RPC calls reject with: a gateway error code, or a client-side reason.
import type { ErrorCode } from "../../../shared/protocol/errors.js";

export const CLIENT_CALL_ERRORS = {
  not_connected: "Not connected to the gateway.",
  disconnected: "The connection dropped before the gateway answered.",
  timeout: "The gateway did not answer in time.",
  bad_result: "The gateway's answer did not match the protocol.",
} as const;
export type ClientCallErrorCode = keyof typeof CLIENT_CALL_ERRORS;
export type CallErrorCode = ErrorCode | ClientCallErrorCode;

export class GatewayCallError extends Error {
  readonly code: CallErrorCode;
  /** With invalid_params: where in the params the gateway found the first failing value. */
  readonly path: Array<string | number> | undefined;
  constructor(code: CallErrorCode, message: string, path?: Array<string | number>) {
    super(message);
    this.name = "GatewayCallError";
    this.code = code;
    this.path = path;
  }
}

export function toCallError(error: unknown): GatewayCallError {
  if (error instanceof GatewayCallError) return error;
  return new GatewayCallError("bad_result", error instanceof Error ? error.message : String(error));
}
