// The notes example's server: a plain node:http server for the page, pairgate on /pg of the same server, and the
// pairgate CLI allowed in through the state directory:
//   node examples/notes/dist/server.js            (after `npm run example:build`)
//   npx pairgate devices approve CODE --state-dir .notes-state
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { createPairgate, sqliteStore } from "pairgate/server";
import { methods, usePublish } from "./methods.js";

const stateDir = process.env.NOTES_STATE_DIR ?? ".notes-state";
const port = Number(process.env.PORT ?? 8430);
const webRoot = join(import.meta.dirname, "web");
const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };

const pg = await createPairgate({
  store: sqliteStore(stateDir),
  name: "notes",
  methods,
  approveCommand: (code) => `npx pairgate devices approve ${code} --state-dir ${stateDir}`,
});
usePublish(pg.publish);

const server = createServer((req, res) => {
  const path = req.url === "/" ? "/index.html" : (req.url ?? "/").split("?")[0]!;
  if (path.includes("..")) return void res.writeHead(400).end();
  try {
    const body = readFileSync(join(webRoot, path));
    res.writeHead(200, { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404).end("not found\n");
  }
});
pg.attach(server, { path: "/pg" });
await pg.serveCli({ dir: stateDir });
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  console.log(`notes listening on http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void pg.close().then(() => server.close(() => process.exit(0))));
}
