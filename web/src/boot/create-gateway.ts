// Starts the dashboard's pairgate client (the public pairgate/client, as any app would) and the pre-flight checks:
// the key read, the checks and the socket all start here at once, before React renders anything.
import { createPairgateClient, type PairgateClient } from "../client/index.js";
import { createIdbKeyStore } from "../device-key/key-store.js";
import * as protocol from "../gateway/protocol.js";
import { requestPersistentStorage, runPreflight, type PreflightResult } from "../preflight.js";
import { enterApp, requestedReturnPath } from "./enter-app.js";
import { earlyKeyvalStore, earlySocketOpener, takeEarlyStart } from "./early-start.js";
import type { StartupFragment } from "./fragment.js";

export interface BrowserGateway {
  client: PairgateClient;
  preflight: Promise<PreflightResult>;
}

export function createBrowserGateway(fragment: StartupFragment): BrowserGateway {
  // The socket and the database index.html's inline script already opened (see early-start.ts).
  const early = takeEarlyStart();
  const store = createIdbKeyStore(earlyKeyvalStore(early));
  const storage = typeof navigator.storage === "object" ? navigator.storage : undefined;
  const returnTo = requestedReturnPath(location.search);
  let entering = false;
  // The same client pairgate/client gives embedding apps (no private wiring for the dashboard).
  const client = createPairgateClient({
    // Next to the page, so the dashboard finds its socket under whatever prefix it is served from.
    path: new URL("ws", location.href).pathname,
    keyStore: store,
    openSocket: earlySocketOpener(early),
    // In the boot chunk: the pairing screen can't show a code before the first frame is parsed, so a lazy chunk
    // here would only add a request (and, on a slow link, a round trip) between the challenge and the hello.
    loadProtocol: () => Promise.resolve(protocol),
    ...(fragment.invite !== undefined ? { invite: fragment.invite } : {}),
    onPaired: () => {
      void requestPersistentStorage(storage);
      if (returnTo === null || entering) return;
      entering = true;
      enterApp(client, returnTo, { fetch: (...a) => fetch(...a), replace: (url) => location.replace(url), baseUrl: location.href })
        .then((ok) => void (ok || (entering = false)))
        .catch(() => void (entering = false)); // the next welcome (reconnect) tries again
    },
  });
  // After the key is read: its IndexedDB transactions come first, and the pairing screen fills notes in later.
  const preflight = client.keyReady().then(() => runPreflight({ store, isSecureContext: window.isSecureContext, storage, now: () => performance.now() }));
  // Coming back online or to a hidden tab is a better moment to retry than the next backoff tick.
  window.addEventListener("online", client.retryNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && client.getSnapshot().state.status === "unreachable") client.retryNow();
  });
  return { client, preflight };
}
