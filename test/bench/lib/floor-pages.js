// This machine's floor for "navigation → pairing code", measured beside the dashboard in the same cold Chromium runs.
// Two pages, served by a bare node:http server on another loopback port:
// - /static: the code already in the HTML, no script. What a cold browser needs just to paint text.
// - /protocol: one inline script, no framework, doing only what any page must do to get a real code from the
//   real gateway: open the socket, read IndexedDB (miss), make a non-extractable Ed25519 key, store it in one
//   readwrite transaction, sign the challenge, send hello, write the code into the page.
// - /protocol-coop: the same page with the gateway's own Cross-Origin-Opener-Policy header. In a browser's first
//   navigation (from its initial blank page) that header costs a new renderer process, about 150 ms here; a
//   navigation from another site's page pays for that process with or without the header (docs/performance.md).
// The dashboard can't beat /protocol on this machine; how far above it the dashboard lands is what is ours to cut.
import { createServer } from "node:http";
import { once } from "node:events";

const CODE = "BCDF-GHJK"; // the shape the bench waits for; /static shows it without a gateway

const STATIC = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title></head>
<body><p data-testid="pairing-code">${CODE}</p></body></html>`;

/** The browser half of the handshake in plain DOM APIs (same signed bytes as shared/pairing/signed-payload.ts). */
function protocolPage(wsUrl, protocolVersion, subprotocol) {
  const script = `
const ws = new WebSocket(${JSON.stringify(wsUrl)}, ${JSON.stringify(subprotocol)});
const b64u = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
const req = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
const key = (async () => {
  const open = indexedDB.open("keyval-store");
  open.onupgradeneeded = () => open.result.createObjectStore("keyval");
  const db = await req(open);
  const found = await req(db.transaction("keyval").objectStore("keyval").get("k"));
  if (found) return found;
  const keyPair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
  const record = { keyPair, publicKey: new Uint8Array(await crypto.subtle.exportKey("raw", keyPair.publicKey)) };
  const tx = db.transaction("keyval", "readwrite");
  const store = tx.objectStore("keyval");
  const existing = await req(store.get("k"));
  if (!existing) store.put(record, "k");
  await new Promise((ok) => (tx.oncomplete = ok));
  return existing ?? record;
})();
ws.onmessage = async (e) => {
  const frame = JSON.parse(e.data);
  if (frame.type === "challenge") {
    const { keyPair, publicKey } = await key;
    const publicKeyB64u = b64u(publicKey);
    const signedAtMs = Date.now();
    const bytes = new TextEncoder().encode(JSON.stringify(["pairgate/connect/v1", frame.gatewayId, frame.nonce, location.origin, publicKeyB64u, signedAtMs]));
    const signature = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, keyPair.privateKey, bytes));
    ws.send(JSON.stringify({ type: "hello", protocol: ${protocolVersion}, publicKey: publicKeyB64u, signedAtMs, signature: b64u(signature),
      keyStorage: "webcrypto", client: { name: "floor", userAgent: navigator.userAgent.slice(0, 512) } }));
  } else if (frame.type === "pairing") {
    document.getElementById("code").textContent = frame.request.code;
  }
};`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title></head>
<body><p id="code" data-testid="pairing-code">Connecting…</p><script type="module">${script}</script></body></html>`;
}

/**
 * Starts the floor server. Its origin must be allowed by the gateway (--allowed-origin), so it listens before the
 * gateway starts; `setGateway` then points /protocol at the gateway's socket.
 */
export async function startFloorPages() {
  let page = null;
  let openerPolicy = null;
  const server = createServer((req, res) => {
    const body = req.url === "/static" ? STATIC : (req.url === "/protocol" || req.url === "/protocol-coop") && page ? page : null;
    if (!body) return void res.writeHead(404).end();
    const coop = req.url === "/protocol-coop" && openerPolicy ? { "Cross-Origin-Opener-Policy": openerPolicy } : {};
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", ...coop }).end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    staticUrl: `${origin}/static`,
    protocolUrl: `${origin}/protocol`,
    protocolCoopUrl: `${origin}/protocol-coop`,
    /** `openerPolicy`: the Cross-Origin-Opener-Policy the gateway sends with its dashboard (null: none). */
    setGateway({ wsUrl, protocolVersion, subprotocol, openerPolicy: policy }) {
      page = protocolPage(wsUrl, protocolVersion, subprotocol);
      openerPolicy = policy;
    },
    close: () => new Promise((done) => server.close(done)),
  };
}
