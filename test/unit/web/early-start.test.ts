// index.html's inline early start, run as written against a stand-in WebSocket and fake-indexeddb, and its
// adoption by the boot (web/src/boot/early-start.ts): no frame is lost or reordered, a close that came early is
// still reported, and the key store works on the database it opened, even when adopted mid-upgrade.
import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { createStore } from "idb-keyval";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { earlyKeyvalStore, earlySocketOpener, takeEarlyStart, type EarlyStart } from "../../../web/src/boot/early-start.js";
import { createIdbKeyStore } from "../../../web/src/device-key/key-store.js";

const html = readFileSync(join(import.meta.dirname, "../../../web/index.html"), "utf8");
const inlineScript = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;

class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = FakeSocket.OPEN;
  sent: string[] = [];
  closedWith: [number, string] | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  listeners: Record<string, Array<(e: unknown) => void>> = {};
  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {
    FakeSocket.all.push(this);
  }
  addEventListener(type: string, fn: (e: unknown) => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  send(text: string) {
    this.sent.push(text);
  }
  close(code: number, reason: string) {
    this.closedWith = [code, reason];
  }
  /** A frame from the gateway, as the browser dispatches it: a task of its own. */
  receive(data: string) {
    this.onmessage?.({ data });
    for (const fn of this.listeners.message ?? []) fn({ data });
  }
  end(code: number, reason = "") {
    this.onclose?.({ code, reason });
    for (const fn of this.listeners.close ?? []) fn({ code, reason });
  }
}

const g = globalThis as Record<string, unknown>;
const URL_WS = "ws://gw.test:8420/dash/ws";

function runInlineScript(): EarlyStart {
  new Function(inlineScript)();
  return g.__pairgateEarly as EarlyStart;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  FakeSocket.all = [];
  g.indexedDB = new IDBFactory(); // an empty browser profile per test: the first visit's upgrade runs each time
  g.window = globalThis;
  g.location = new URL("http://gw.test:8420/dash/");
  g.WebSocket = FakeSocket;
});
afterEach(() => {
  for (const k of ["window", "location", "WebSocket", "__pairgateEarly"]) Reflect.deleteProperty(g, k);
});

describe("the early socket", () => {
  it("is opened by the inline script next to the page, with the subprotocol, and taken off window once adopted", () => {
    const early = runInlineScript();
    expect([early.socket?.url, (early.socket as unknown as FakeSocket).protocol]).toEqual([URL_WS, "pairgate.v1"]);
    expect(takeEarlyStart()).toBe(early);
    expect(g.__pairgateEarly).toBeUndefined();
  });

  it("hands on the frames it kept, in order, before any later one, then the close", async () => {
    const early = runInlineScript();
    const ws = early.socket as unknown as FakeSocket;
    ws.receive("one");
    ws.receive("two");
    const got: string[] = [];
    const link = earlySocketOpener(takeEarlyStart())(URL_WS, { onMessage: (t) => got.push(t), onClose: (c, r) => got.push(`close ${c} ${r}`) });
    expect(got).toEqual([]); // not inside the call: the caller has not kept its link yet
    ws.receive("three"); // a later task, yet before the replay would be a reorder: held until the kept ones are out
    await tick();
    ws.receive("four");
    ws.end(4410, "revoked");
    expect(got).toEqual(["one", "two", "three", "four", "close 4410 revoked"]);
    link.send("hello");
    link.close(1000, "bye");
    expect([ws.sent, ws.closedWith]).toEqual([["hello"], [1000, "bye"]]);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("reports a close that came before the app did, and opens afresh for the reconnect", async () => {
    const early = runInlineScript();
    const ws = early.socket as unknown as FakeSocket;
    ws.receive("challenge");
    ws.end(1006);
    const open = earlySocketOpener(takeEarlyStart());
    const got: string[] = [];
    open(URL_WS, { onMessage: (t) => got.push(t), onClose: (c) => got.push(`close ${c}`) });
    await tick();
    expect(got).toEqual(["challenge", "close 1006"]);
    open(URL_WS, { onMessage: () => {}, onClose: () => {} });
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("is closed, not used, when the client wants another URL", () => {
    const early = runInlineScript();
    earlySocketOpener(takeEarlyStart())("ws://elsewhere.test/ws", { onMessage: () => {}, onClose: () => {} });
    expect((early.socket as unknown as FakeSocket).closedWith).toEqual([1000, "not used"]);
    expect(FakeSocket.all.map((s) => s.url)).toEqual([URL_WS, "ws://elsewhere.test/ws"]);
  });

  it("is simply absent when the inline script didn't run (a page of an embedding app): every socket is new", () => {
    const open = earlySocketOpener(takeEarlyStart());
    open(URL_WS, { onMessage: () => {}, onClose: () => {} });
    expect(FakeSocket.all.map((s) => s.url)).toEqual([URL_WS]);
  });
});

describe("the early database", { timeout: 10_000 }, () => {
  /** idb-keyval's own open of its default database, made afresh (its built-in default caches one connection). */
  const ownStore = () => createIdbKeyStore(createStore("keyval-store", "keyval"));

  const record = { version: 1, keyStorage: "software", publicKey: new Uint8Array(32).fill(7), secretKey: new Uint8Array(32).fill(9), createdAtMs: 1 } as const;

  it("holds the key where idb-keyval's default store looks, adopted at once", async () => {
    runInlineScript();
    const store = createIdbKeyStore(earlyKeyvalStore(takeEarlyStart()));
    expect(await store.writeIfAbsent(record)).toEqual(record);
    expect(await ownStore().read()).toEqual(record); // idb-keyval's own open finds the same record
  });

  it("waits for the first visit's upgrade to finish when adopted in the middle of it", async () => {
    const early = runInlineScript();
    const request = early.db!;
    const upgrade = request.onupgradeneeded!.bind(request);
    const during = new Promise<unknown>((resolve, reject) => {
      request.onupgradeneeded = (event) => {
        upgrade(event);
        // The request is done and its result is there, but a versionchange transaction is still running.
        expect([request.readyState, request.transaction?.mode]).toEqual(["done", "versionchange"]);
        const store = createIdbKeyStore(earlyKeyvalStore(takeEarlyStart()));
        store.writeIfAbsent(record).then(resolve, reject);
      };
    });
    expect(await during).toEqual(record);
    expect(await ownStore().read()).toEqual(record);
  });

  it("falls back to idb-keyval's own open when the early one failed", async () => {
    const failed = { readyState: "done", transaction: null, error: new DOMException("denied", "UnknownError") } as unknown as IDBOpenDBRequest;
    const store = createIdbKeyStore(earlyKeyvalStore({ socket: null, frames: [], closed: null, db: failed }));
    expect(await store.writeIfAbsent(record)).toEqual(record);
    expect(await store.read()).toEqual(record);
    expect(await ownStore().read()).toEqual(record);
    await store.remove();
    expect(await store.read()).toBeUndefined();
  });
});
