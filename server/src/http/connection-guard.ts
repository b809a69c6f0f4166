// Raw TCP connections before they are a request or a WebSocket: capped per peer and in total, and closed when no
// complete request arrives within the idle deadline, or when a keep-alive connection sits idle that long.
// Without this a silent socket stays open for ever and enough of them exhaust the file descriptors (issue 11 A).
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { normalizeAddress } from "../../../shared/index.js";
import { SlotCounter } from "../gateway/limits.js";
import { limitKey } from "../net/limit-key.js";

/** No complete request within this long after connecting or after the last answer: the connection is closed. */
export const CONNECTION_IDLE_MS = 10_000;

export interface ConnectionGuardOptions {
  perAddress: number;
  total: number;
  /** Peers that only count toward the total (trusted proxies: one address, many clients). */
  isSharedPeer: (peer: string) => boolean;
  idleMs?: number;
}

interface Guarded {
  timer: ReturnType<typeof setTimeout> | null;
  release: () => void;
}

export function guardConnections(server: Server, opts: ConnectionGuardOptions) {
  const slots = new SlotCounter(opts.perAddress, opts.total);
  const idleMs = opts.idleMs ?? CONNECTION_IDLE_MS;
  const guarded = new WeakMap<Duplex, Guarded>();
  let refused = 0;

  const arm = (socket: Duplex, g: Guarded) => {
    if (g.timer) clearTimeout(g.timer);
    g.timer = setTimeout(() => socket.destroy(), idleMs);
    g.timer.unref();
  };
  const disarm = (g: Guarded) => {
    if (g.timer) clearTimeout(g.timer);
    g.timer = null;
  };

  server.on("connection", (socket: Socket) => {
    const peer = normalizeAddress(socket.remoteAddress ?? "");
    const key = limitKey(peer);
    if (!slots.tryAcquire(key, opts.isSharedPeer(peer))) {
      refused++;
      // No answer: writing one costs what the cap is there to save, and a flood doesn't read it anyway.
      socket.destroy();
      return;
    }
    let released = false;
    const g: Guarded = {
      timer: null,
      release: () => {
        if (!released) slots.release(key);
        released = true;
      },
    };
    guarded.set(socket, g);
    arm(socket, g);
    socket.once("close", () => {
      disarm(g);
      g.release();
    });
  });

  // A request is complete once its head is in (the gateway reads no bodies); idle again once it is answered.
  server.on("request", (req, res) => {
    const g = guarded.get(req.socket);
    if (!g) return;
    disarm(g);
    res.once("finish", () => {
      if (!req.socket.destroyed) arm(req.socket, g);
    });
  });

  // From the upgrade on, the WebSocket layer's own limits and handshake deadline own the socket.
  server.prependListener("upgrade", (req) => {
    const g = guarded.get(req.socket);
    if (!g) return;
    disarm(g);
    g.release();
  });

  return {
    get open(): number {
      return slots.open;
    },
    get refused(): number {
      return refused;
    },
  };
}
