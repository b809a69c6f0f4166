// The baseline of DESIGN §9: a bare `ws` server on loopback that sends one message, receives one and closes.
// Same library, same options as the gateway's socket (no deflate, 64 KiB frames), and nothing else.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, path: "/ws", maxPayload: 64 * 1024, perMessageDeflate: false, clientTracking: false });
wss.on("connection", (ws) => {
  ws.on("error", () => {});
  ws.once("message", () => ws.close(1000, "bye"));
  ws.send(JSON.stringify({ type: "challenge", nonce: randomBytes(32).toString("base64url") }));
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`bare-ws listening on ${server.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
