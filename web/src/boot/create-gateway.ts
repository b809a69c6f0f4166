// Wires the gateway client to the browser: WebSocket, IndexedDB, WebCrypto, timers. The key read, the
// pre-flight checks and the socket all start here at once, before React renders anything.
import { createIdbKeyStore } from "../device-key/key-store.js";
import { loadDeviceKey, replaceDeviceKey, type DeviceKeyEnv } from "../device-key/device-key.js";
import { deriveClientName } from "../gateway/client-name.js";
import { GatewayClient } from "../gateway/gateway-client.js";
import { gatewaySocketUrl, openBrowserSocket } from "../gateway/socket.js";
import { requestPersistentStorage, runPreflight, type PreflightResult } from "../preflight.js";
import type { StartupFragment } from "./fragment.js";

export interface BrowserGateway {
  client: GatewayClient;
  preflight: Promise<PreflightResult>;
}

export function createBrowserGateway(fragment: StartupFragment): BrowserGateway {
  const store = createIdbKeyStore();
  const storage = typeof navigator.storage === "object" ? navigator.storage : undefined;
  // crypto.subtle is undefined outside secure contexts (plain http on a LAN address): software key then.
  const keyEnv: DeviceKeyEnv = { store, subtle: globalThis.crypto?.subtle, now: () => Date.now() };
  const client = new GatewayClient({
    url: gatewaySocketUrl(window.location),
    origin: window.location.origin,
    openSocket: openBrowserSocket,
    loadProtocol: () => import("../gateway/protocol.js"),
    loadKey: () => loadDeviceKey(keyEnv),
    replaceKey: () => replaceDeviceKey(keyEnv),
    client: { name: deriveClientName(navigator.userAgent), userAgent: navigator.userAgent },
    invite: fragment.invite,
    now: () => Date.now(),
    random: () => Math.random(),
    setTimer: (callback, ms) => window.setTimeout(callback, ms),
    clearTimer: (handle) => window.clearTimeout(handle as number),
    onPaired: () => void requestPersistentStorage(storage),
  });
  client.start();
  // After the key is read: its IndexedDB transactions come first, and the pairing screen fills notes in later.
  const preflight = client
    .keyReady()
    .then(() => runPreflight({ store, isSecureContext: window.isSecureContext, storage, now: () => performance.now() }));
  // Coming back online or to a hidden tab is a better moment to retry than the next backoff tick.
  window.addEventListener("online", client.retryNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && client.getSnapshot().state.status === "unreachable") client.retryNow();
  });
  return { client, preflight };
}
