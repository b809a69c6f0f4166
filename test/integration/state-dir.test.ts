// Issue 11 E: the state dir is the trust boundary. A gateway refuses one that another user owns or that others may
// write (exit 2, with the chmod/chown to run), creates every file in it 0600 whatever the umask and dir mode, and
// refuses to start on a damaged database, naming the file, instead of answering `internal` to everything.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync, fstatSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runCli, spawnGateway, type SpawnedGateway } from "../support/gateway-harness.js";
import { requestPairing } from "../support/sessions.js";

const scratch = mkdtempSync(join(tmpdir(), "pg-statedir-"));
let gw: SpawnedGateway | null = null;
afterEach(async () => {
  if (gw && gw.child.exitCode === null) await gw.stop("SIGTERM");
  gw = null;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, "0");
const start = (stateDir: string) => runCli(["start", "--port", "0", "--state-dir", stateDir]);

describe("a state dir others could write", () => {
  for (const [bits, who] of [
    [0o777, "everyone"],
    [0o770, "its group"],
    [0o720, "its group"],
  ] as const) {
    it(`refuses mode ${bits.toString(8)} with exit 2 and the chmod to run, before touching it`, () => {
      const dir = mkdtempSync(join(scratch, "shared-"));
      chmodSync(dir, bits);
      const r = start(dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`state dir ${dir} is writable by ${who}`);
      expect(r.stderr).toContain(`Run: chmod 700 ${dir}`);
      expect(r.stdout).not.toMatch(/listening on/);
      expect(() => statSync(join(dir, "pairgate.db"))).toThrow(); // no database was opened or created there
    });
  }

  it("refuses a dir that belongs to another user, with the chown to run", () => {
    let dir: string;
    if (process.getuid?.() === 0) {
      dir = mkdtempSync(join(scratch, "theirs-"));
      chownSync(dir, 1000, 1000);
    } else {
      // Premise: without root we can't make a dir owned by someone else; /tmp is root's (and world-writable), and
      // the owner check comes first.
      dir = "/tmp";
    }
    const r = start(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`state dir ${dir} belongs to uid ${statSync(dir).uid}, not to this process (uid ${process.getuid!()})`);
    expect(r.stderr).toContain(`run: chown ${process.getuid!()}:${process.getgid!()} ${dir}`);
    expect(r.stdout).not.toMatch(/listening on/);
  });

  it("the CLI refuses to send a command into the admin socket of a dir others can write (exit 2), and sends nothing", async () => {
    const dir = mkdtempSync(join(scratch, "cli-shared-"));
    chmodSync(dir, 0o777);
    // Whoever can write the dir can put a listener of their own at admin.sock and read the approve code.
    const received: string[] = [];
    const fake = createServer((socket) => socket.on("data", (chunk) => received.push(String(chunk))));
    await new Promise<void>((resolve) => fake.listen(join(dir, "admin.sock"), resolve));
    try {
      const r = runCli(["devices", "approve", "BCDF-GHJK", "--state-dir", dir]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`state dir ${dir} is writable by everyone`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toEqual([]);
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });
});

describe("files in the state dir", () => {
  it("creates the DB, WAL, SHM and admin socket 0600 in a pre-existing 0755 dir under umask 022", async () => {
    const dir = join(scratch, "open-0755");
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    gw = await spawnGateway([], { stateDir: dir });
    await requestPairing(`ws://127.0.0.1:${gw.port}/ws`); // a live pending code is now in the WAL
    for (const f of ["pairgate.db", "pairgate.db-wal", "pairgate.db-shm", "admin.sock"]) expect([f, mode(join(dir, f))]).toEqual([f, "0600"]);
  });

  it("tightens a database left 0644 by an older version, with its WAL and SHM", async () => {
    const dir = mkdtempSync(join(scratch, "old-"));
    gw = await spawnGateway([], { stateDir: dir });
    await gw.stop("SIGTERM");
    for (const f of ["pairgate.db"]) chmodSync(join(dir, f), 0o644);
    gw = await spawnGateway([], { stateDir: dir });
    for (const f of ["pairgate.db", "pairgate.db-wal", "pairgate.db-shm"]) expect([f, mode(join(dir, f))]).toEqual([f, "0600"]);
  });
});

describe("a damaged database", () => {
  it("stops the start with the file's path instead of serving `internal` (damaged late pages)", async () => {
    const dir = mkdtempSync(join(scratch, "damaged-"));
    gw = await spawnGateway([], { stateDir: dir });
    await gw.stop("SIGTERM");
    const file = join(dir, "pairgate.db");
    const db = new Database(file);
    const insert = db.prepare("INSERT INTO audit (at_ms, action, actor, device_id, request_id, detail) VALUES (?, 'renamed', ?, NULL, NULL, '{}')");
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(i, `actor ${i} ${"x".repeat(100)}`);
    })();
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    // Overwrite the last pages (audit rows the gateway reads only when asked): the header and schema stay intact.
    const fd = openSync(file, "r+");
    const size = fstatSync(fd).size;
    writeSync(fd, Buffer.alloc(3 * 4096, 0xab), 0, 3 * 4096, size - 3 * 4096);
    closeSync(fd);

    const r = start(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`the database ${file} is damaged`);
    expect(r.stderr).toContain("Restore it from a backup");
    expect(r.stdout).not.toMatch(/listening on/);
  });

  it("stops the start on a file that is not a database at all, with its path", () => {
    const dir = mkdtempSync(join(scratch, "notdb-"));
    const fd = openSync(join(dir, "pairgate.db"), "w", 0o600);
    writeSync(fd, Buffer.alloc(8192, 0x42));
    closeSync(fd);
    const r = start(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`the database ${join(dir, "pairgate.db")} is damaged`);
  });
});
