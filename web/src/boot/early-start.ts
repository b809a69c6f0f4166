// Adopts what index.html's inline script started while the page was still parsing: the gateway socket (with the
// frames it already received, in order, and its close if it came) and the IndexedDB open of the key's database.
// On a first visit the app's scripts arrive a few hundred milliseconds after the HTML; by then the challenge is
// usually waiting and the database is open. Anything missing or unusable falls back to opening afresh.
import { createStore, type UseStore } from "idb-keyval";
import { openBrowserSocket, type OpenSocket } from "../gateway/socket.js";

/** What the inline script leaves on window.__pairgateEarly (index.html). */
export interface EarlyStart {
  socket: WebSocket | null;
  frames: string[];
  closed: { code: number; reason: string } | null;
  db: IDBOpenDBRequest | null;
}

// idb-keyval's default database and store, which the inline script opens and createIdbKeyStore uses.
const DB_NAME = "keyval-store";
const STORE_NAME = "keyval";

export function takeEarlyStart(): EarlyStart | undefined {
  const early = (window as { __pairgateEarly?: EarlyStart }).__pairgateEarly;
  delete (window as { __pairgateEarly?: EarlyStart }).__pairgateEarly;
  return early;
}

/** The first socket to `url` is the early one when it is there for that URL; every later one is opened afresh. */
export function earlySocketOpener(early: EarlyStart | undefined): OpenSocket {
  let socket = early?.socket ?? null;
  return (url, handlers) => {
    const ws = socket;
    socket = null;
    if (!early || !ws || ws.url !== url) {
      ws?.close(1000, "not used");
      return openBrowserSocket(url, handlers);
    }
    const deliver = (text: string) => handlers.onMessage(text);
    // Frames kept so far are handed on after this call returns, as a socket's own events would be; a frame that
    // arrives meanwhile is a later task, so it queues behind them.
    const kept = early.frames.splice(0);
    let replayed = false;
    const queued: Array<() => void> = [];
    const later = (fn: () => void) => (replayed ? fn() : queued.push(fn));
    ws.onmessage = (event) => later(() => deliver(typeof event.data === "string" ? event.data : ""));
    ws.onclose = (event) => later(() => handlers.onClose(event.code, event.reason));
    queueMicrotask(() => {
      for (const text of kept) deliver(text);
      if (early.closed) handlers.onClose(early.closed.code, early.closed.reason);
      replayed = true;
      for (const fn of queued.splice(0)) fn();
    });
    return {
      send: (text: string) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(text);
      },
      close: (code = 1000, reason = "") => ws.close(code, reason),
    };
  };
}

/**
 * idb-keyval's store over the database the inline script opened; idb-keyval's own (a fresh open) when there was
 * none, when that open failed, or once the browser closed it.
 */
export function earlyKeyvalStore(early: EarlyStart | undefined): UseStore {
  let fallback: UseStore | null = null;
  const own = () => (fallback ??= createStore(DB_NAME, STORE_NAME));
  const request = early?.db;
  if (!request) return own();
  const db = new Promise<IDBDatabase>((resolve, reject) => {
    const settle = () => (request.error ? reject(request.error) : resolve(request.result));
    // Done and no upgrade transaction: success (or error) has already fired. During the first visit's upgrade
    // the request is done too, but the database can't be used until its success event.
    if (request.readyState === "done" && !request.transaction) settle();
    else {
      request.addEventListener("success", settle);
      request.addEventListener("error", settle);
    }
  }).then((opened) => {
    opened.onclose = () => void own();
    return opened;
  });
  db.catch(() => void own()); // marks the failure handled; the next call uses idb-keyval's own open
  return (mode, callback) =>
    fallback
      ? fallback(mode, callback)
      : db.then(
          (opened) => callback(opened.transaction(STORE_NAME, mode).objectStore(STORE_NAME)),
          () => own()(mode, callback),
        );
}
