// Every refusal the gateway can send: stable wire code → WebSocket close code, message and next step
// (docs/protocol.md#errors-and-close-codes). Clients branch on `code`; `message` and `action` are for people.

export const ERRORS = {
  bad_frame: {
    close: 4400,
    message: "The gateway could not read a message from this client.",
    action: "This is a bug: reload the page, and report it if it repeats.",
  },
  protocol_mismatch: {
    close: 4409,
    message: "This dashboard speaks a different protocol version than the gateway.",
    action: "Reload the page to get the gateway's dashboard.",
  },
  handshake_timeout: { close: 4408, message: "The connection was not completed in time.", action: "Reconnecting." },
  auth_failed: { close: 4401, message: "The gateway could not verify this browser's key.", action: "Check this computer's clock, then reconnect." },
  device_revoked: { close: 4410, message: "This browser was removed from the gateway.", action: "Pair again to request access with a new key." },
  pairing_rejected: { close: 4411, message: "The pairing request was rejected.", action: "Request again, and ask the admin to approve the new code." },
  pairing_expired: { close: 4412, message: "The pairing code expired before it was approved.", action: "Request again to get a new code." },
  invite_invalid: {
    close: 4413,
    message: "This invite link is unknown, already used or expired.",
    action: "Pair with a code instead, or ask for a new invite.",
  },
  superseded: { close: 4414, message: "This browser is waiting for approval in newer tabs.", action: "Use the newest tab, or reload this one to wait here." },
  rate_limited: { close: 4429, message: "Too many attempts from this address.", action: "Wait a moment, then try again." },
  pending_limit: {
    close: 4429,
    message: "Too many browsers are waiting for approval.",
    action: "Wait, or ask an admin to approve or reject the waiting requests.",
  },
  forbidden: { close: null, message: "This needs the admin role.", action: "Ask an admin." },
  not_found: { close: null, message: "Not found.", action: "Check the code or id." },
  invalid_params: { close: null, message: "Invalid parameters.", action: "Check the request." },
  conflict: { close: null, message: "That matches more than one item.", action: "Be more specific." },
  internal: { close: 1011, message: "The gateway hit an internal error.", action: "Reconnect; check the gateway's log." },
  shutting_down: { close: 1001, message: "The gateway is shutting down.", action: "Reconnecting when it is back." },
} as const satisfies Record<string, { close: number | null; message: string; action: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];

/** A coded refusal; thrown inside the gateway and turned into an error frame or RPC error at the edge. */
export class PairgateError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;
  /** With invalid_params: where in the params the first failing value is. */
  path: Array<string | number> | undefined;
  constructor(code: ErrorCode, message?: string, retryAfterMs?: number) {
    super(message ?? ERRORS[code].message);
    this.name = "PairgateError";
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

export function closeCodeFor(code: ErrorCode): number | null {
  return ERRORS[code].close;
}
