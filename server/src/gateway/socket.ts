// What a Connection needs from its surroundings, so the state machine runs in tests without a network: the
// shared socket surface, and timers it can cancel.
export type { SocketLike } from "../../../shared/protocol/socket.js";

export interface Timers {
  /** Runs fn after ms; returns a cancel function. */
  set(fn: () => void, ms: number): () => void;
}

export const realTimers: Timers = {
  set(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};
