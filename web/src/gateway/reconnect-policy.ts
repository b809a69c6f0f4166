// When to connect again: at once after a dropped pending or paired socket (at most once per QUICK_DROP_MS), with a
// growing backoff after failures, once more after a first auth_failed, and after the gateway's own wait when it
// rate-limits. Which refusals end on a screen instead is decided here too, so the client only carries it out.
import type { ErrorCode } from "../../../shared/protocol/errors.js";
import { assertNever } from "../lib/assert-never.js";
import { backoffDelayMs } from "./backoff.js";
import type { ShownRefusal } from "./next-state.js";
import type { UnreachableReason } from "./gateway-state.js";

export const QUICK_DROP_MS = 10_000;
export const DEFAULT_RETRY_AFTER_MS = 30_000;

export type Reaction =
  | { kind: "show"; code: ShownRefusal }
  /** Connect again now (a fresh nonce after a first auth_failed; without the invite after invite_invalid). */
  | { kind: "reconnect" }
  | { kind: "backoff"; reason: UnreachableReason }
  | { kind: "wait"; code: "rate_limited" | "pending_limit"; ms: number };

export class ReconnectPolicy {
  readonly #deps: { now(): number; random(): number };
  #attempt = 0;
  #authFailures = 0;
  #lastDropAtMs = Number.NEGATIVE_INFINITY;

  constructor(deps: { now(): number; random(): number }) {
    this.#deps = deps;
  }

  /** The gateway answered (a code or a welcome): the next failure starts from the shortest wait again. */
  answered(): void {
    this.#attempt = 0;
    this.#authFailures = 0;
  }

  /** The user asked to try again after auth_failed: one more silent retry is allowed. */
  forgetAuthFailures(): void {
    this.#authFailures = 0;
  }

  /** A pending or paired socket dropped without a code: reconnect at once, unless it did so moments ago. */
  reconnectsAtOnce(): boolean {
    const nowMs = this.#deps.now();
    if (nowMs - this.#lastDropAtMs <= QUICK_DROP_MS) return false;
    this.#lastDropAtMs = nowMs;
    return true;
  }

  /** The next backoff step: its attempt number and how long to wait. */
  nextBackoff(): { attempt: number; delayMs: number } {
    this.#attempt += 1;
    return { attempt: this.#attempt, delayMs: backoffDelayMs(this.#attempt, this.#deps.random()) };
  }

  reactionTo(code: ErrorCode, retryAfterMs: number | undefined): Reaction {
    switch (code) {
      case "invite_invalid":
        return { kind: "reconnect" };
      case "auth_failed":
        this.#authFailures += 1;
        return this.#authFailures < 2 ? { kind: "reconnect" } : { kind: "show", code };
      case "rate_limited":
      case "pending_limit":
        return { kind: "wait", code, ms: retryAfterMs ?? DEFAULT_RETRY_AFTER_MS };
      case "handshake_timeout":
      case "shutting_down":
      case "internal":
        return { kind: "backoff", reason: code };
      case "device_revoked":
      case "pairing_rejected":
      case "pairing_expired":
      case "protocol_mismatch":
      case "superseded": // a newer tab of this browser waits instead; reconnecting would only close that one
      case "bad_frame":
      case "forbidden":
      case "not_found":
      case "invalid_params":
      case "conflict":
        return { kind: "show", code };
      default:
        return assertNever(code);
    }
  }
}
