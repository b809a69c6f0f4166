// RPC calls waiting for their `res`: each has a timeout, and every answer to a built-in method is
// checked against its result schema (shared/protocol/results.ts) before the caller sees it.
import type { ResFrame } from "../../../shared/protocol/frames.js";
import { CLIENT_CALL_ERRORS, GatewayCallError } from "./call-error.js";
import type { Protocol } from "./protocol.js";

interface Timers {
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

interface PendingCall {
  method: string;
  resolve(value: unknown): void;
  reject(error: GatewayCallError): void;
  timer: unknown;
}

export class PendingCalls {
  readonly #timers: Timers;
  readonly #timeoutMs: number;
  readonly #calls = new Map<string, PendingCall>();
  #nextId = 0;

  constructor(timers: Timers, timeoutMs: number) {
    this.#timers = timers;
    this.#timeoutMs = timeoutMs;
  }

  /** Registers a call and returns its request id and the promise its answer settles. */
  add(method: string): { id: string; result: Promise<unknown> } {
    const id = `c${++this.#nextId}`;
    const result = new Promise<unknown>((resolve, reject) => {
      const timer = this.#timers.setTimer(() => {
        this.#calls.delete(id);
        reject(new GatewayCallError("timeout", CLIENT_CALL_ERRORS.timeout));
      }, this.#timeoutMs);
      this.#calls.set(id, { method, resolve, reject, timer });
    });
    return { id, result };
  }

  settle(protocol: Protocol, frame: ResFrame): void {
    const call = this.#calls.get(frame.id);
    if (!call) return; // answered after its timeout: the caller was already told
    this.#calls.delete(frame.id);
    this.#timers.clearTimer(call.timer);
    if (!frame.ok) {
      call.reject(new GatewayCallError(frame.error.code, frame.error.message, frame.error.path));
      return;
    }
    // An app method's result is the app's own: its server-side handler types it, and pairgate has no schema for it.
    const parsed = protocol.parseResult(call.method, frame.result);
    if (parsed === null) return call.resolve(frame.result);
    if (parsed.ok) call.resolve(parsed.result);
    else call.reject(new GatewayCallError("bad_result", `${CLIENT_CALL_ERRORS.bad_result} (${call.method})`));
  }

  rejectAll(code: "disconnected"): void {
    for (const call of this.#calls.values()) {
      this.#timers.clearTimer(call.timer);
      call.reject(new GatewayCallError(code, CLIENT_CALL_ERRORS[code]));
    }
    this.#calls.clear();
  }
}
