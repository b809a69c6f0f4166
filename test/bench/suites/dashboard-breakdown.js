// Where a cold first visit spends its time before the pairing code shows. An init script (run in the page before any
// of its own scripts) wraps WebSocket, indexedDB.open and crypto.subtle.generateKey and marks, on the page's clock
// (0 = navigation start), when each step happened; Resource Timing adds the HTML, the entry chunk and the app's chunk
// (React and the screens, loaded after the code). These runs are
// instrumented, so they are a separate series: the untouched runs give the headline figure.

/** Runs in the page before its scripts. Each mark keeps its first occurrence. */
export function instrumentPage() {
  const marks = {};
  Object.defineProperty(window, "__pairgateMarks", { value: marks });
  const mark = (name) => void (marks[name] ??= performance.now());
  const typeOf = (data) => (typeof data === "string" ? /"type":"(\w+)"/.exec(data)?.[1] : undefined);
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      mark("socketCreated");
      super(...args);
      this.addEventListener("open", () => mark("socketOpen"));
      this.addEventListener("message", (e) => mark(`${typeOf(e.data)}Received`));
    }
    send(data) {
      mark(`${typeOf(data)}Sent`);
      return super.send(data);
    }
  };
  const open = indexedDB.open.bind(indexedDB);
  indexedDB.open = (...args) => {
    mark("idbOpenCalled");
    const req = open(...args);
    req.addEventListener("success", () => mark("idbOpened"));
    return req;
  };
  const subtle = crypto.subtle;
  const generateKey = subtle.generateKey.bind(subtle);
  subtle.generateKey = async (...args) => {
    mark("keygenStart");
    try {
      return await generateKey(...args);
    } finally {
      mark("keygenEnd");
    }
  };
  // React's first commit puts the shell (#content) into #root; index.html's markup and the entry's first paint have no id.
  new MutationObserver((_, observer) => {
    if (!document.getElementById("content")) return;
    mark("reactCommitted");
    observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
}

/** In the page once the code showed: the marks plus the HTML, entry and app chunk timings. */
export function readMarks() {
  const nav = performance.getEntriesByType("navigation")[0];
  const js = performance.getEntriesByType("resource").filter((e) => /\.js$/.test(new URL(e.name).pathname));
  const entry = js.find((e) => /\/index-[^/]+\.js$/.test(e.name));
  const app = js.find((e) => /\/app-root-[^/]+\.js$/.test(e.name));
  return {
    htmlResponseEnd: nav?.responseEnd,
    entryJsLoaded: entry?.responseEnd,
    appJsLoaded: app?.responseEnd,
    ...window.__pairgateMarks,
  };
}

/** The marks in the order they happen on a first visit, for the report. */
export const STEP_ORDER = [
  "htmlResponseEnd",
  "entryJsLoaded",
  "socketCreated",
  "idbOpenCalled",
  "idbOpened",
  "socketOpen",
  "challengeReceived",
  "keygenStart",
  "keygenEnd",
  "helloSent",
  "pairingReceived",
  "codeShown",
  "appJsLoaded",
  "reactCommitted",
];
