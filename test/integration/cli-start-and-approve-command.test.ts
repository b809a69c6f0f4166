// Issue 11.3, 12.2, 12.7: the approve command the waiting screen shows runs this install from any directory with
// the npm registry unreachable (it never fetches a `pairgate` package); `pairgate start` puts people's lines first,
// prints no QR into a pipe, and refuses a busy port and a foreign --host alike (exit 2, no log line first).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PAIRGATE_BIN, spawnGateway, tempStateDir, type SpawnedGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";

let g: SpawnedGateway | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await g?.stop();
  g = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** `sh -c command` as a person would paste it: another directory, another HOME, no registry, no PAIRGATE_* set. */
function runAsPasted(command: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const elsewhere = mkdtempSync(join(tmpdir(), "pg-elsewhere-"));
  dirs.push(elsewhere);
  const env = {
    PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: elsewhere,
    npm_config_registry: "http://127.0.0.1:9/",
    npm_config_offline: "true",
  };
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", command], { cwd: elsewhere, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** spawnGateway resolves on the first line; the rest of the banner follows. Bounded by the test timeout. */
function stdoutOnceItHas(gw: SpawnedGateway, text: string): Promise<string> {
  return new Promise((resolve) => {
    const check = () => (gw.stdout().includes(text) ? resolve(gw.stdout()) : setTimeout(check, 20));
    check();
  });
}

describe("the approve command on the waiting screen", () => {
  it("runs the installed pairgate from another directory with the registry unreachable, and approves as viewer", async () => {
    g = await spawnGateway();
    const key = makeTestKey();
    const c = await connectClient(`ws://127.0.0.1:${g.port}/ws`, key);
    await c.hello();
    const { request, approveCommand } = await c.next("pairing");
    expect(approveCommand).not.toMatch(/\bnpx\b/);
    expect(approveCommand).toBe(`node ${PAIRGATE_BIN} devices approve ${request.code} --state-dir ${g.stateDir}`);
    // The start banner shows the same command, with CODE for the code.
    expect(await stdoutOnceItHas(g, "Lost it?")).toContain(`  approve    ${approveCommand.replace(request.code, "CODE")}`);

    const ran = await runAsPasted(approveCommand);
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^Approved "Test browser" \([A-Z0-9]{4}-[A-Z0-9]{4}\) as viewer\./);
    expect((await c.next("welcome")).role).toBe("viewer");
  });

  it("shows a command set with --cli-hint exactly as given", async () => {
    g = await spawnGateway(["--cli-hint", "docker compose exec pairgate pairgate"]);
    const c = await connectClient(`ws://127.0.0.1:${g.port}/ws`, makeTestKey());
    await c.hello();
    const { request, approveCommand } = await c.next("pairing");
    expect(approveCommand).toBe(`docker compose exec pairgate pairgate devices approve ${request.code}`);
  });
});

describe("pairgate start output", () => {
  it("prints the banner and link first, no QR into a pipe, JSON logs after, and text logs on request", async () => {
    g = await spawnGateway();
    const out = await stdoutOnceItHas(g, "Lost it?");
    expect(out).toMatch(/^pairgate \S+: "[^"]+" listening on http:\/\/127\.0\.0\.1:\d+ {2}\(ready in \d+ ms\)\n {2}open {7}http:\/\/127\.0\.0\.1:\d+\n/);
    expect(out).toContain("#invite=");
    expect(g.stdout()).not.toMatch(/[▄▀█]/); // no terminal QR: stdout is not a terminal
    await g.stop();
    const logs = g
      .stderr()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string });
    expect(logs.map((l) => l.msg)).toEqual(["listening", "config", "stopped"]);
    g = null;

    g = await spawnGateway(["--log-format", "text"]);
    await g.stop();
    expect(g.stderr()).toMatch(/^\d\d:\d\d:\d\d info {2}listening {2}host=127\.0\.0\.1 {2}port=\d+/m);
    g = null;
  });

  it("says when the link is a guess, and uses the allowed host rather than localhost", async () => {
    g = await spawnGateway(["--host", "0.0.0.0", "--allowed-host", "nas.local"]);
    expect(await stdoutOnceItHas(g, "Lost it?")).toMatch(
      / {2}open {7}http:\/\/nas\.local:\d+ {2}\(guessed from --allowed-host; set --public-url if other machines use another address\)/,
    );
    const invite = spawnSync(process.execPath, [PAIRGATE_BIN, "invite", "--json", "--state-dir", g.stateDir], { encoding: "utf8" });
    expect(JSON.parse(invite.stdout).url).toMatch(new RegExp(`^http://nas\\.local:${g.port}/#invite=`));
    await g.stop();
    g = await spawnGateway(["--public-url", "https://pairgate.example.com"], {});
    expect(await stdoutOnceItHas(g, "state dir")).toMatch(/ {2}open {7}https:\/\/pairgate\.example\.com\n/);
  });

  it("refuses a busy port and an address of another machine the same way: exit 2, one line, no log line first", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as { port: number }).port;
    const stateDir = tempStateDir();
    dirs.push(stateDir);
    const start = (...args: string[]) =>
      spawnSync(process.execPath, [PAIRGATE_BIN, "start", "--state-dir", stateDir, ...args], {
        encoding: "utf8",
        env: { ...process.env, PAIRGATE_NO_QR: "1" },
      });
    const inUse = start("--port", String(port));
    const foreign = start("--port", "0", "--host", "192.0.2.1"); // TEST-NET-1: never an address of this machine
    busy.close();
    expect([inUse.status, foreign.status]).toEqual([2, 2]);
    expect(inUse.stderr).toBe(`pairgate: --port ${port}: 127.0.0.1:${port} is already in use (another pairgate, or another server); choose another --port\n`);
    expect(foreign.stderr).toMatch(/^pairgate: --host 192\.0\.2\.1 is not an address of this machine \(EADDRNOTAVAIL\)[^\n]*\n$/);
    expect(inUse.stdout + foreign.stdout).toBe("");
  });
});

describe("CLI exit codes and pipes", () => {
  it("exits 2 for a bare pairgate or pairgate devices, and ends quietly when the reader of its output goes away", async () => {
    const bare = spawnSync(process.execPath, [PAIRGATE_BIN], { encoding: "utf8" });
    const devices = spawnSync(process.execPath, [PAIRGATE_BIN, "devices"], { encoding: "utf8" });
    expect([bare.status, devices.status]).toEqual([2, 2]);
    expect(bare.stderr).toContain("Usage: pairgate");
    expect(devices.stderr).toContain("Usage: pairgate devices");

    g = await spawnGateway();
    // `pairgate doctor | head -1`, with the reader gone before the first write: EPIPE must not print a stack trace.
    const piped = spawnSync("sh", ["-c", `"${process.execPath}" "${PAIRGATE_BIN}" doctor --state-dir "${g.stateDir}" | (exec 0<&-; true)`], {
      encoding: "utf8",
    });
    expect(piped.stderr).not.toMatch(/EPIPE|Unhandled|node:events/);
  });
});
