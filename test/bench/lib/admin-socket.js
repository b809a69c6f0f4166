// NDJSON client for <state-dir>/admin.sock: the same channel the CLI uses (the load generator and the suites).
import { connect as connectUnix } from "node:net";

export async function adminClient(path) {
  const sock = connectUnix(path);
  await new Promise((r, j) => (sock.once("connect", r), sock.once("error", j)));
  sock.setEncoding("utf8");
  let buf = "";
  let nextId = 1;
  const pending = new Map();
  sock.on("data", (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf("\n")) !== -1) {
      const msg = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      pending.get(msg.id)?.(msg);
      pending.delete(msg.id);
    }
  });
  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((r) => {
        pending.set(id, r);
        sock.write(JSON.stringify({ id, method, params }) + "\n");
      });
    },
    close: () => sock.end(),
  };
}
