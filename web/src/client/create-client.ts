// A started gateway client wired to the browser: WebSocket, the IndexedDB key, WebCrypto (or the software
// signer on plain http), timers. The dashboard boots through this too (boot/create-gateway.ts).
import { loadDeviceKey, replaceDeviceKey, type DeviceKeyEnv } from "../device-key/device-key.js";
import { createIdbKeyStore, type KeyStore } from "../device-key/key-store.js";
import { deriveClientName } from "../gateway/client-name.js";
import { GatewayClient } from "../gateway/gateway-client.js";
import type { Protocol } from "../gateway/protocol.js";
import { gatewaySocketUrl, openBrowserSocket, type OpenSocket } from "../gateway/socket.js";

export interface BrowserClientOptions {
  /** The gateway socket, e.g. "wss://app.example/pairgate". Default: this page's host and `path`. */
  url?: string;
  /** Used when `url` is not given (default "/ws", the path given to pg.attach()). */
  path?: string;
  /** An invite token (from an invite link); sent with the first hello only. */
  invite?: string;
  /** The device name an approver sees first, e.g. "Chrome on Linux" (default: derived from the user agent). */
  clientName?: string;
  /** Where the device key lives (default: IndexedDB through idb-keyval). */
  keyStore?: KeyStore;
  /** Called each time the socket is paired (after approval, and on every reconnect). */
  onPaired?: () => void;
  /** Where the frame parser comes from (default: a lazy chunk, fetched with the first socket). */
  loadProtocol?: () => Promise<Protocol>;
  /**
   * Opens each socket (default: a WebSocket to `url`). For a page that opened the first one itself before its
   * bundle loaded; it must hand on every frame, in order, from the socket's start.
   */
  openSocket?: OpenSocket;
  /** How long a call() waits for its answer (default 15 s). */
  callTimeoutMs?: number;
}

export function createBrowserClient(options: BrowserClientOptions = {}): GatewayClient {
  const store = options.keyStore ?? createIdbKeyStore();
  // crypto.subtle is undefined outside secure contexts (plain http on a LAN address): software key then.
  const keyEnv: DeviceKeyEnv = { store, subtle: globalThis.crypto?.subtle, now: () => Date.now() };
  const client = new GatewayClient({
    url: options.url ?? gatewaySocketUrl(location, options.path),
    origin: location.origin,
    openSocket: options.openSocket ?? openBrowserSocket,
    loadProtocol: options.loadProtocol ?? (() => import("../gateway/protocol.js")),
    loadKey: () => loadDeviceKey(keyEnv),
    replaceKey: () => replaceDeviceKey(keyEnv),
    client: { name: options.clientName ?? deriveClientName(navigator.userAgent), userAgent: navigator.userAgent },
    invite: options.invite,
    now: () => Date.now(),
    random: () => Math.random(),
    setTimer: (callback, ms) => setTimeout(callback, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    ...(options.onPaired ? { onPaired: options.onPaired } : {}),
    ...(options.callTimeoutMs ? { callTimeoutMs: options.callTimeoutMs } : {}),
  });
  client.start();
  return client;
}
