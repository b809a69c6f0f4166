// A small app on the built pairgate/server (dist/lib), in its own process: one viewer method on a loopback
// socket. Prints its port; approves a code written to stdin ("approve CODE"), the way an operator would.
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const lib = await import(pathToFileURL(join(process.argv[2], "dist/lib/server.js")).href);
const { z } = await import("zod");
const methods = { "bench.echo": lib.defineMethod({ role: "viewer", params: z.object({ n: z.number() }), handler: ({ n }) => ({ n }) }) };
const pg = await lib.createPairgate({ store: lib.memoryStore(), methods, limits: { requestsPerSecond: 1_000_000, requestBurst: 1_000_000 } });
const server = createServer();
pg.attach(server, { path: "/pg" });
server.listen(0, "127.0.0.1", () => process.stdout.write(`port ${server.address().port}\n`));
createInterface({ input: process.stdin }).on("line", (line) => {
  const [cmd, code] = line.trim().split(" ");
  if (cmd === "approve")
    void pg.devices.approve({ code, role: "viewer" }).then(
      () => process.stdout.write("approved\n"),
      (e) => process.stdout.write(`error ${e.code}\n`),
    );
  if (cmd === "quit") void pg.close({ graceMs: 50 }).then(() => process.exit(0));
});
