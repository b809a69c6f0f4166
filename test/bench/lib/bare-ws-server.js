// The baselines of docs/design.md#targets: a bare `ws` server on loopback that sends one message, receives one and
// closes. Same library, same options as the gateway's socket (no deflate, 64 KiB frames), and nothing else. With
// --verify it also does the credential check and nothing more: the reply is JSON { publicKey, signature } over the
// nonce it sent, parsed, and verified against a KeyObject cached per public key (made once, from JWK, like the
// gateway's). A bad signature closes with 4401 so the load generator counts it as an error.
import { createPublicKey, randomBytes, verify } from "node:crypto";
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const withVerify = process.argv.includes("--verify");
const keyCache = new Map();
const keyFor = (x) => {
  let key = keyCache.get(x);
  if (!key) keyCache.set(x, (key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" })));
  return key;
};

const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, path: "/ws", maxPayload: 64 * 1024, perMessageDeflate: false, clientTracking: false });
wss.on("connection", (ws) => {
  ws.on("error", () => {});
  const nonce = randomBytes(32);
  ws.once("message", (data) => {
    if (!withVerify) return ws.close(1000, "bye");
    let ok = false;
    try {
      const reply = JSON.parse(String(data));
      ok = verify(null, nonce, keyFor(reply.publicKey), Buffer.from(reply.signature, "base64url"));
    } catch {
      ok = false;
    }
    ws.close(ok ? 1000 : 4401, ok ? "bye" : "bad signature");
  });
  ws.send(JSON.stringify({ type: "challenge", nonce: nonce.toString("base64url") }));
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`bare-ws listening on ${server.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
