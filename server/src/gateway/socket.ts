// The minimal socket a Connection needs, so the state machine runs in tests without a network.

export interface SocketLike {
  send(text: string): void;
  close(code: number, reason: string): void;
}

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
