// The front door's baseline: the same proxy library with the same options as pairgate's built-in proxy
// (server/src/front-door/upstream-proxy.ts: http-proxy-3, ws, xfwd, a keep-alive agent) in front of the same app, with no check at all.
//   node bare-proxy-server.js http://127.0.0.1:PORT   prints "bare-proxy listening on PORT"
import { Agent, createServer } from "node:http";
import { createProxyServer } from "http-proxy-3";

const target = process.argv[2];
if (!target) throw new Error("usage: bare-proxy-server.js http://host:port");
const proxy = createProxyServer({ target, ws: true, xfwd: true, agent: new Agent({ keepAlive: true }) });
proxy.on("error", () => {});
const server = createServer((req, res) =>
  proxy.web(req, res, {}, () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }),
);
server.on("upgrade", (req, socket, head) => proxy.ws(req, socket, head, {}, () => socket.destroy()));
server.listen(0, "127.0.0.1", () => process.stdout.write(`bare-proxy listening on ${server.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
