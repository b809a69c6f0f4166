// Entry. Small on purpose: it strips #invite=/#approve= from the address bar, starts the handshake (boot/start.ts)
// and shows the pairing code with plain DOM as soon as the gateway sends it. React and the screens (app-root.tsx)
// load once the gateway has answered: evaluating them takes the main thread for longer than the whole handshake,
// so starting them sooner only delays the code (docs/performance.md, "fifth round").
import { boot, startupFragment } from "./boot/start.js";
import { showFirstCode, showLoadFailure } from "./boot/first-paint.js";
import "./styles/index.css";

// Long enough for a first answer on a slow link; a gateway that never answers gets React's own screens anyway.
const APP_LOAD_FALLBACK_MS = 3000;

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
const element: HTMLElement = root;

let loading = false;
function loadApp(): void {
  if (loading) return;
  loading = true;
  stopWatching();
  window.clearTimeout(fallback);
  import("./app-root.js")
    .then(({ mountApp }) => mountApp(element, boot, startupFragment))
    .catch((error: unknown) => {
      console.error("pairgate: the dashboard's scripts failed to load", error);
      showLoadFailure(element);
    });
}

// The app loads after the next frame, so the code is painted before React's evaluation holds the main thread. A
// hidden tab gets no frames, hence the timer beside it.
function loadAfterPaint(): void {
  requestAnimationFrame(() => window.setTimeout(loadApp, 0));
  window.setTimeout(loadApp, 100);
}

const stopWatching = boot.client.subscribe(() => {
  const { state } = boot.client.getSnapshot();
  if (state.status === "connecting") return;
  if (state.status === "pending") showFirstCode(element, state);
  loadAfterPaint();
});
const fallback = window.setTimeout(loadApp, APP_LOAD_FALLBACK_MS);
