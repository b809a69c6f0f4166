// A throwaway PostgreSQL cluster for tests: initdb in a temp dir, run as an unprivileged user (the server refuses
// root; as root we use `nobody`), listening on a free loopback port and a Unix socket in that dir. stop() ends it
// and removes the dir; restart() keeps the data and the port.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PG_BIN_DIRS = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"];
const NOBODY = { uid: 65534, gid: 65534 };

/** The directory holding initdb and postgres, or null with the reason when PostgreSQL is not installed. */
export function postgresBinDir() {
  if (process.env.PAIRGATE_PG_BIN) return process.env.PAIRGATE_PG_BIN;
  return PG_BIN_DIRS.find((d) => existsSync(join(d, "initdb"))) ?? null;
}

/** @returns {Promise<import("./postgres-cluster.js").PostgresCluster>} */
export async function startPostgresCluster() {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed: run `apt-get install postgresql` (what .ci/run does), or set PAIRGATE_PG_BIN");
  const dir = mkdtempSync(join(tmpdir(), "pg-cluster-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chownSync(dir, NOBODY.uid, NOBODY.gid);
    chmodSync(dir, 0o700);
  }
  const ids = asRoot ? NOBODY : {};
  const data = join(dir, "data");
  const init = spawnSync(join(bin, "initdb"), ["-D", data, "-U", "pairgate", "-A", "trust", "-E", "UTF8", "--no-sync"], { ...ids, encoding: "utf8", cwd: dir });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  /** @type {import("node:child_process").ChildProcess | null} */
  let child = null;

  const start = async () => {
    child = spawn(
      join(bin, "postgres"),
      ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=on", "-c", "max_connections=200"],
      { ...ids, cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    let log = "";
    child.stderr.on("data", (b) => void (log = (log + b.toString()).slice(-4000)));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ready = spawnSync(join(bin, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port), "-U", "pairgate", "-d", "postgres"], { encoding: "utf8" });
      if (ready.status === 0) return;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`postgres did not start: ${log}`);
  };
  const halt = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGINT"); // fast shutdown: abort open transactions, close connections, checkpoint
    await exited;
  };

  const psql = (sql, database = "pairgate") => {
    const r = spawnSync(join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "pairgate", "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout;
  };

  await start();
  psql("CREATE DATABASE pairgate", "postgres");
  const urlFor = (db) => `postgres://pairgate@127.0.0.1:${port}/${db}`;
  return {
    url: urlFor("pairgate"),
    port,
    dir,
    psql,
    async createDatabase(name) {
      psql(`CREATE DATABASE ${name}`, "postgres");
      return urlFor(name);
    },
    async restart() {
      await halt();
      await start();
    },
    halt,
    start,
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
