// Page helpers for the real-Chromium e2e tests: a probe that records what the dashboard showed and when
// (data-state changes, WebSocket close codes, pairing frames), QR decoding, and a tiny X-Forwarded-For proxy.
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import jsQR from "jsqr";
import type { BrowserContext, Page } from "playwright-core";
import { runCli } from "./gateway-harness.js";

/**
 * Installed with context.addInitScript, so it runs before the dashboard's own code in every document.
 * It wraps window.WebSocket only to listen (close codes, the pairing frame's request id, welcomes) and records the first
 * time each `main[data-state]` appears, in the page's own clock (Date.now(), the same wall clock as the gateway's).
 * The screen is the first one not hidden: while a lazy screen loads, React keeps the previous one in the DOM with
 * `display: none` ahead of the fallback, which already carries the new state.
 * A string, not a function, so the test transpiler can't inject helpers into it.
 */
const PROBE_SCRIPT = `(() => {
  if (window.__pgProbe) return;
  const probe = { closes: [], pairings: [], welcomes: 0, firstSeenAtMs: {}, stateOrder: [] };
  Object.defineProperty(window, "__pgProbe", { value: probe });
  const NativeWebSocket = window.WebSocket;
  class ProbedWebSocket extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener("close", (event) => probe.closes.push({ code: event.code, atMs: Date.now() }));
      this.addEventListener("message", (event) => {
        if (typeof event.data !== "string") return;
        let frame = null;
        try { frame = JSON.parse(event.data); } catch (error) { return; /* the dashboard reports unreadable frames itself */ }
        if (frame && frame.type === "pairing" && frame.request) probe.pairings.push({ id: frame.request.id, code: frame.request.code });
        if (frame && frame.type === "welcome") probe.welcomes += 1;
      });
    }
  }
  window.WebSocket = ProbedWebSocket;
  const record = () => {
    const main = [...document.querySelectorAll("main[data-state]")].find((m) => m.style.display !== "none");
    const state = main && main.getAttribute("data-state");
    if (!state || probe.stateOrder[probe.stateOrder.length - 1] === state) return;
    probe.stateOrder.push(state);
    if (!(state in probe.firstSeenAtMs)) probe.firstSeenAtMs[state] = Date.now();
  };
  new MutationObserver(record).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state", "style"] });
})();`;

export interface ProbeRecord {
  closes: Array<{ code: number; atMs: number }>;
  pairings: Array<{ id: string; code: string }>;
  /** How many welcome frames this document received (one per authenticated connection). */
  welcomes: number;
  /** Wall-clock ms at which each data-state first appeared in this document. */
  firstSeenAtMs: Record<string, number>;
  /** Every data-state this document showed, in order, without repeats in a row. */
  stateOrder: string[];
}

export async function installProbe(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: PROBE_SCRIPT });
}

export async function readProbe(page: Page): Promise<ProbeRecord> {
  return page.evaluate(() => {
    const probe = (window as unknown as { __pgProbe?: unknown }).__pgProbe;
    return JSON.parse(JSON.stringify(probe ?? null)) as unknown;
  }) as Promise<ProbeRecord>;
}

/** Waits until the dashboard's root shows `state` (e.g. "pending", "paired", "revoked"). */
export async function waitForState(page: Page, state: string, timeoutMs = 15_000): Promise<void> {
  await page.locator(`main[data-state="${state}"]`).first().waitFor({ state: "visible", timeout: timeoutMs });
}

export async function currentState(page: Page): Promise<string | null> {
  return page.locator("main[data-state]").first().getAttribute("data-state", { timeout: 2000 });
}

/** The pairing code exactly as the page shows it, "XXXX-XXXX". */
export async function readPairingCode(page: Page, timeoutMs = 15_000): Promise<string> {
  await waitForState(page, "pending", timeoutMs);
  const text = await textOf(page, "pairing-code");
  return text.trim();
}

export async function textOf(page: Page, testId: string, timeoutMs = 5000): Promise<string> {
  const locator = page.getByTestId(testId).first();
  await locator.waitFor({ state: "visible", timeout: timeoutMs });
  return (await locator.textContent()) ?? "";
}

/** Runs `pairgate devices approve CODE --json` through the real CLI and returns the approved device. */
export function approveWithCli(stateDir: string, code: string, extra: string[] = []) {
  const r = runCli(["devices", "approve", code, "--json", ...extra], { stateDir });
  if (r.status !== 0) throw new Error(`pairgate devices approve ${code} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return (r.json() as { device: { id: string; fingerprint: string; approvedAtMs: number; keyStorage: string; role: string } }).device;
}

export function cliJson<T>(stateDir: string, args: string[]): T {
  const r = runCli([...args, "--json"], { stateDir });
  if (r.status !== 0) throw new Error(`pairgate ${args.join(" ")} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return r.json() as T;
}

/**
 * Decodes the QR code in an <img> on the page: the page draws the image into a canvas and hands back its
 * pixels, and jsqr decodes them here in Node.
 */
export async function decodeQrImage(page: Page, selector: string): Promise<{ text: string | null; src: string }> {
  const pixels = await page.evaluate(async (sel) => {
    const img = document.querySelector<HTMLImageElement>(sel);
    if (!img) throw new Error(`no image matches ${sel}`);
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2d canvas context");
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    return { width: canvas.width, height: canvas.height, rgba: Array.from(data), src: img.src };
  }, selector);
  const decoded = jsQR(new Uint8ClampedArray(pixels.rgba), pixels.width, pixels.height);
  return { text: decoded?.data ?? null, src: pixels.src };
}

export interface ForwardingProxy {
  port: number;
  url: string;
  /** Points the proxy at another gateway port (for tests that restart the gateway with other flags). */
  retarget(port: number): void;
  close(): Promise<void>;
}

/**
 * A minimal reverse proxy on 127.0.0.1 (HTTP and WebSocket upgrades) that tells the gateway the client is
 * `forwardedFor`, the way Docker's NAT or a proxy in front of a container makes a browser on the same desk look
 * remote. The Host header passes through unchanged unless `rewriteHost` is set.
 */
/** `rewriteHost` sends the gateway's own address as Host, like an nginx `proxy_set_header Host $host` on another port. */
export async function startForwardingProxy(initialTargetPort: number, forwardedFor: string, opts: { rewriteHost?: boolean } = {}): Promise<ForwardingProxy> {
  let targetPort = initialTargetPort;
  const sockets = new Set<Socket>();
  const headersFor = (req: IncomingMessage) => ({
    ...req.headers,
    "x-forwarded-for": forwardedFor,
    ...(opts.rewriteHost ? { host: `127.0.0.1:${targetPort}` } : {}),
  });
  const server: Server = createServer((req, res) => {
    const upstream = request({ host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: headersFor(req) }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    upstream.on("error", () => {
      // The gateway went away mid-request (a test stopped it): the browser sees a 502, as behind a real proxy.
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const upstream = request({ host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: headersFor(req) });
    upstream.on("upgrade", (upRes, upSocket, upHead) => {
      sockets.add(upSocket);
      upSocket.on("close", () => sockets.delete(upSocket));
      const lines = [`HTTP/1.1 ${upRes.statusCode ?? 101} ${upRes.statusMessage ?? "Switching Protocols"}`];
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) lines.push(`${upRes.rawHeaders[i]}: ${upRes.rawHeaders[i + 1]}`);
      client.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (upHead.length) client.write(upHead);
      if (head.length) upSocket.write(head);
      upSocket.pipe(client);
      client.pipe(upSocket);
      // Either side closing ends the other, so close codes pass straight through.
      upSocket.on("close", () => client.destroy());
      client.on("close", () => upSocket.destroy());
      upSocket.on("error", () => client.destroy());
      client.on("error", () => upSocket.destroy());
    });
    upstream.on("response", (upRes) => {
      // A refused upgrade (403, 429): pass the status on and hang up, like a real proxy.
      client.end(`HTTP/1.1 ${upRes.statusCode ?? 502} ${upRes.statusMessage ?? ""}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      upRes.resume();
    });
    upstream.on("error", () => client.destroy());
    upstream.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    retarget: (newPort: number) => {
      targetPort = newPort;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Pairing codes (both "BCDF-GHJK" and "BCDFGHJK") that appear in `text`, for log-hygiene checks. */
export function findCodeLike(text: string, codes: string[]): string[] {
  return codes.filter((code) => text.includes(code) || text.includes(code.replace(/-/g, "")));
}
