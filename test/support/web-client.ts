// Test doubles for the dashboard's edges: an in-memory key store, a manual clock, and a fake gateway that
// plays the server side of the socket so the client's state machine runs without a network.
import type { KeyStore, StoredDeviceKey } from "../../web/src/device-key/key-store.js";
import type { OpenSocket, SocketHandlers, SocketLike } from "../../web/src/gateway/socket.js";
import { PROTOCOL_VERSION } from "../../shared/protocol/version.js";
import type { DeviceView } from "../../shared/protocol/views.js";

export function memoryKeyStore(initial?: unknown): KeyStore & { value: unknown } {
  const store = {
    value: initial,
    read: async () => store.value,
    writeIfAbsent: async (record: StoredDeviceKey) => {
      store.value ??= record;
      return store.value;
    },
    remove: async () => {
      store.value = undefined;
    },
    probe: async () => undefined,
  };
  return store;
}

export class ManualClock {
  nowMs = 1_764_028_800_000;
  #timers = new Map<number, { atMs: number; callback: () => void }>();
  #nextId = 1;

  now = (): number => this.nowMs;

  setTimer = (callback: () => void, ms: number): unknown => {
    const id = this.#nextId++;
    this.#timers.set(id, { atMs: this.nowMs + ms, callback });
    return id;
  };

  clearTimer = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const targetMs = this.nowMs + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.atMs <= targetMs).sort((a, b) => a[1].atMs - b[1].atMs)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.nowMs = due[1].atMs;
      due[1].callback();
    }
    this.nowMs = targetMs;
  }

  pendingTimerDelays(): number[] {
    return [...this.#timers.values()].map((t) => t.atMs - this.nowMs);
  }
}

export class FakeSocket implements SocketLike {
  readonly sent: string[] = [];
  closedByClient: { code: number | undefined } | null = null;
  readonly url: string;
  readonly #handlers: SocketHandlers;

  constructor(url: string, handlers: SocketHandlers) {
    this.url = url;
    this.#handlers = handlers;
  }

  send(text: string): void {
    this.sent.push(text);
  }

  close(code?: number): void {
    this.closedByClient = { code };
  }

  /** The gateway sends a frame to the browser. */
  deliver(frame: object): void {
    this.#handlers.onMessage(JSON.stringify(frame));
  }

  deliverText(text: string): void {
    this.#handlers.onMessage(text);
  }

  /** The connection ends, from the gateway's side or the network's. */
  drop(code: number, reason = ""): void {
    this.#handlers.onClose(code, reason);
  }

  sentFrames(): Array<Record<string, unknown>> {
    return this.sent.map((text) => JSON.parse(text) as Record<string, unknown>);
  }
}

export function fakeNetwork() {
  const sockets: FakeSocket[] = [];
  const openSocket: OpenSocket = (url, handlers) => {
    const socket = new FakeSocket(url, handlers);
    sockets.push(socket);
    return socket;
  };
  return {
    sockets,
    openSocket,
    last(): FakeSocket {
      const socket = sockets.at(-1);
      if (!socket) throw new Error("no socket was opened");
      return socket;
    },
  };
}

export const GATEWAY_ID = "AAECAwQFBgcICQoLDA0ODw";
export const NONCE = "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s";
export const OTHER_NONCE = "zMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMw";

export function challenge(nowMs: number, nonce = NONCE, protocol = PROTOCOL_VERSION) {
  return { type: "challenge", protocol, gatewayId: GATEWAY_ID, nonce, expiresAtMs: nowMs + 30_000 };
}

export function pairingFrame(nowMs: number, code = "BCDFGHJK") {
  return {
    type: "pairing",
    request: { id: "req-1", code, fingerprint: "KZDV-VJ2U", expiresAtMs: nowMs + 600_000, seenFrom: { address: "172.18.0.1", networkClass: "private" } },
    approveCommand: `npx pairgate devices approve ${code.slice(0, 4)}-${code.slice(4)}`,
    gateway: { name: "desk", version: "0.1.0" },
  };
}

export function deviceView(overrides: Partial<DeviceView> = {}): DeviceView {
  return {
    id: "a".repeat(64),
    fingerprint: "KZDV-VJ2U",
    name: "Chrome on Linux",
    role: "admin",
    keyStorage: "webcrypto",
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0",
    createdAtMs: 1_764_028_800_000,
    expiresAtMs: null,
    approvedAtMs: 1_764_028_800_000,
    approvedBy: "cli",
    approvedVia: "cli",
    lastSeenAtMs: 1_764_028_800_000,
    lastSeenFrom: { address: "127.0.0.1", networkClass: "loopback" },
    online: 1,
    current: true,
    ...overrides,
  };
}

export function welcomeFrame(device: DeviceView = deviceView()) {
  return { type: "welcome", device, role: device.role, gateway: { name: "desk", version: "0.1.0" } };
}
