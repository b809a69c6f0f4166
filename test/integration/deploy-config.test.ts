// `pairgate start` settings through the real CLI: typos and bad values stop it with exit 2 and the setting's
// name; flag > env > file > default; --help documents every setting; the log is JSON lines with no secrets.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { optionEnv, START_OPTIONS } from "../../server/src/config/options.js";
import { PAIRGATE_BIN, runCli, spawnGateway, type SpawnedGateway } from "../support/gateway-harness.js";
import { readableInstall } from "../support/readable-install.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { docBlock } from "../support/deploy/doc-blocks.js";
import { httpGet } from "../support/deploy/http.js";
import { startProcess } from "../support/deploy/processes.js";

const scratch = mkdtempSync(join(tmpdir(), "pg-deploy-config-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let gateways: SpawnedGateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  for (const g of gateways) rmSync(g.stateDir, { recursive: true, force: true });
  gateways = [];
});

async function spawn(args: string[], env: Record<string, string> = {}) {
  const g = await spawnGateway(args, { env });
  gateways.push(g);
  return g;
}

function configFile(name: string, content: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

/** `pairgate start` that must fail before listening (no --port flag here: it would win over the env and file cases). */
function startMustFail(args: string[], env: Record<string, string> = {}) {
  const r = runCli(["start", "--state-dir", join(scratch, "state"), ...args], { env });
  expect(r.stdout, "it must not have started").not.toMatch(/listening on/);
  return r;
}

interface DoctorJson {
  gateway: {
    name: string;
    bind: { host: string; port: number };
    allowedHosts: string[];
    allowedOrigins: string[];
    trustedProxies: string[];
    limits: Record<string, number>;
    config: { file: string | null; logLevel: string; sources: Record<string, string> };
  };
}

function doctorJson(stateDir: string): DoctorJson {
  const r = runCli(["doctor", "--json", "--state-dir", stateDir]);
  expect(r.status, r.stderr).toBe(0);
  return r.json() as DoctorJson;
}

describe("a typo fails to start with exit 2 and names the key", () => {
  it("refuses --alowed-origin and suggests --allowed-origin", () => {
    const r = startMustFail(["--alowed-origin", "https://gw.example.com"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--alowed-origin'");
    expect(r.stderr).toContain("--allowed-origin");
  });

  it("refuses an unknown JSON key in --config and suggests the right one", () => {
    const file = configFile("typo.json", { allowedOrigin: ["https://gw.example.com"] });
    const r = startMustFail(["--config", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`unknown key "allowedOrigin" in config file ${file}`);
    expect(r.stderr).toContain('did you mean "allowedOrigins"?');
  });

  it("refuses a config file named in PAIRGATE_CONFIG the same way", () => {
    const file = configFile("typo-env.json", { prot: 8420 });
    const r = startMustFail([], { PAIRGATE_CONFIG: file });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown key "prot"');
    expect(r.stderr).toContain('did you mean "port"?');
  });
});

describe("bad values are refused at start, naming the setting as the user wrote it", () => {
  const cases: Array<{ what: string; args?: string[]; env?: Record<string, string>; file?: unknown; says: string[] }> = [
    { what: "a port out of range", args: ["--port", "70000"], says: ["--port:", "expected a port from 0 to 65535", "70000"] },
    { what: "a malformed port in the environment", env: { PAIRGATE_PORT: "84x0" }, says: ["PAIRGATE_PORT:", "expected a whole number", '"84x0"'] },
    { what: "a Kubernetes service-link port", env: { PAIRGATE_PORT: "tcp://10.96.0.12:8420" }, says: ["PAIRGATE_PORT:", "enableServiceLinks: false"] },
    { what: "a wrong type in the config file", file: { port: "eighty" }, says: ['"port" in', "expected a whole number"] },
    {
      what: "an origin with a trailing slash",
      args: ["--allowed-origin", "https://gw.example.com/"],
      says: ["--allowed-origin:", 'ends with "/"', "https://gw.example.com"],
    },
    { what: "an origin with its default port", args: ["--allowed-origin", "https://gw.example.com:443"], says: ["--allowed-origin:", "default port"] },
    { what: "an origin with a path", env: { PAIRGATE_ALLOWED_ORIGIN: "https://gw.example.com/app" }, says: ["PAIRGATE_ALLOWED_ORIGIN:", "no path"] },
    { what: "a host with a port", args: ["--allowed-host", "nas.local:8420"], says: ["--allowed-host:", "has a port", "nas.local"] },
    { what: "a host given as a URL", file: { allowedHosts: ["http://nas.local"] }, says: ['"allowedHosts" in', "is a URL", "--allowed-origin"] },
    { what: "a list of the wrong type in the file", file: { trustedProxies: [10] }, says: ['"trustedProxies" in', "expected a list of strings"] },
    { what: "a CIDR with a bad prefix", args: ["--trusted-proxy", "10.0.0.0/33"], says: ["--trusted-proxy:", "10.0.0.0/33"] },
    { what: "an unknown log level", args: ["--log-level", "verbose"], says: ["--log-level:", "debug, info, warn, error, silent", '"verbose"'] },
    { what: "a bind address that is a URL", args: ["--host", "http://0.0.0.0"], says: ["--host:", "address to bind"] },
    { what: "an empty name", env: { PAIRGATE_NAME: " " }, says: ["PAIRGATE_NAME:", "1–64 characters, with no control characters"] },
    { what: "a zero limit", args: ["--max-pending-total", "0"], says: ["--max-pending-total:", "at least 1"] },
    { what: "a config file that is not JSON", file: "{ host: 0.0.0.0 }", says: ["is not valid JSON"] },
    { what: "a missing config file", args: ["--config", "/nonexistent/pairgate.json"], says: ["cannot read config file /nonexistent/pairgate.json"] },
    {
      what: "a bind address this machine does not have",
      args: ["--host", "10.213.255.254"],
      says: ["--host 10.213.255.254 is not an address of this machine"],
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.what}`, () => {
      const args = [...(c.args ?? [])];
      if (c.file !== undefined) args.push("--config", configFile(`bad-${cases.indexOf(c)}.json`, c.file));
      const r = startMustFail(args, c.env);
      expect(r.status).toBe(2);
      for (const s of c.says) expect(r.stderr).toContain(s);
    });
  }
});

describe("a state dir the gateway can't write", () => {
  it("stops the start with exit 2, the path, and what to change in Docker", () => {
    const parent = mkdtempSync(join(scratch, "owned-"));
    let r: ReturnType<typeof runCli>;
    if (process.getuid?.() === 0) {
      // Like a root-owned bind mount used by the image's uid 1000: run the CLI as uid 1000 under a root-only dir.
      // uid 1000 runs a readable copy of the install: the checkout itself may sit in a private (0700) directory.
      const stateDir = join(parent, "data");
      const install = readableInstall();
      const child = spawnSync(
        "setpriv",
        ["--reuid=1000", "--regid=1000", "--clear-groups", "--", process.execPath, install.bin, "start", "--state-dir", stateDir],
        {
          encoding: "utf8",
          timeout: 30_000,
          cwd: install.root,
          env: { ...process.env, PAIRGATE_NO_QR: "1" },
        },
      );
      install.remove();
      r = { status: child.status, stdout: child.stdout, stderr: child.stderr, json: () => null };
      expect(r.stderr).toContain(`cannot create state dir ${stateDir} (EACCES). In Docker, make the volume writable by uid 1000`);
    } else {
      chmodSync(parent, 0o500);
      r = runCli(["start", "--state-dir", parent]);
      expect(r.stderr).toContain(`state dir ${parent} is not writable by this process`);
    }
    expect(r.status).toBe(2);
    expect(r.stdout).not.toMatch(/listening on/);
  });
});

describe("precedence: flag > environment > config file > default", () => {
  it("takes each setting from the strongest source that has it, and doctor says which", async () => {
    const file = configFile("layers.json", { name: "from-file", allowedHosts: ["file.example"], logLevel: "debug", pendingTotal: 7 });
    const g = await spawn(["--config", file, "--name", "from-flag"], { PAIRGATE_NAME: "from-env", PAIRGATE_ALLOWED_HOST: "env.example,env2.example" });
    const { gateway } = doctorJson(g.stateDir);
    expect(gateway.name).toBe("from-flag");
    expect(gateway.allowedHosts).toEqual(["env.example", "env2.example"]);
    expect(gateway.config.logLevel).toBe("debug");
    expect(gateway.limits.pendingTotal).toBe(7);
    expect(gateway.trustedProxies).toEqual([]);
    expect(gateway.config.file).toBe(file);
    expect(gateway.config.sources).toMatchObject({
      name: "flag",
      allowedHosts: "env",
      logLevel: "file",
      pendingTotal: "file",
      trustedProxies: "default",
      port: "flag",
      stateDir: "flag",
    });
  });

  it("runs the config file from docs/deploy.md, with a flag overriding its host", async () => {
    const file = configFile("doc.json", docBlock("config-file"));
    const g = await spawn(["--host", "127.0.0.1"], { PAIRGATE_CONFIG: file });
    const { gateway } = doctorJson(g.stateDir);
    expect(gateway.bind.host).toBe("127.0.0.1");
    expect(gateway.name).toBe("nas");
    expect(gateway.allowedHosts).toEqual(["nas.local"]);
    expect(gateway.trustedProxies).toEqual(["127.0.0.1/32"]);
    expect(gateway.config.sources).toMatchObject({ host: "flag", name: "file", allowedHosts: "file", trustedProxies: "file" });
  });

  it("resolves a relative stateDir in the file against the file's folder", async () => {
    const dir = mkdtempSync(join(scratch, "rel-"));
    const file = join(dir, "pairgate.json");
    writeFileSync(file, JSON.stringify({ stateDir: "state" }));
    const env: NodeJS.ProcessEnv = { ...process.env, PAIRGATE_NO_QR: "1" };
    delete env.PAIRGATE_STATE_DIR;
    // No --state-dir and no PAIRGATE_STATE_DIR, from another working directory: only the file names the state dir.
    const child = await startProcess(process.execPath, [PAIRGATE_BIN, "start", "--config", file, "--port", "0"], {
      name: "gateway",
      env,
      cwd: scratch,
      readyOutput: /listening on/,
    });
    try {
      const { gateway } = doctorJson(join(dir, "state"));
      expect(gateway.config.sources.stateDir).toBe("file");
    } finally {
      await child.stop();
    }
  });
});

describe("start --help", () => {
  it("documents every setting with its flag, environment variable, config key and default", () => {
    const r = runCli(["start", "--help"]);
    expect(r.status).toBe(0);
    const help = r.stdout.replace(/\s+/g, " ");
    for (const spec of START_OPTIONS) {
      expect(help).toContain(`--${spec.flag} <`);
      expect(help).toContain(`env: ${optionEnv(spec)})`);
      expect(help).toContain(`config key: ${spec.key})`);
    }
    expect(help).toContain("env: PAIRGATE_STATE_DIR)");
    expect(help).toContain("env: PAIRGATE_CONFIG)");
    expect(help).toContain("its flag, its PAIRGATE_* variable, the --config file, the default");
  });
});

describe("unknown PAIRGATE_* variables", () => {
  it("start anyway, with a warning in the log that names the variable and the likely one", async () => {
    const g = await spawn([], { PAIRGATE_ALOWED_ORIGIN: "https://gw.example.com", PAIRGATE_SERVICE_HOST: "10.96.0.12" });
    const warnings = g
      .stderr()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: string; msg: string; problem?: string })
      .filter((e) => e.level === "warn");
    expect(warnings.map((w) => w.problem)).toEqual(
      expect.arrayContaining([
        "PAIRGATE_ALOWED_ORIGIN is not a pairgate setting and is ignored; did you mean PAIRGATE_ALLOWED_ORIGIN?",
        expect.stringMatching(/^PAIRGATE_SERVICE_HOST is not a pairgate setting and is ignored/),
      ]),
    );
  });
});

describe("logs", () => {
  it("are one JSON object per line on stderr, honour --log-level, and never carry codes or tokens", async () => {
    const g = await spawn(["--log-level", "debug"]);
    const key = makeTestKey();
    const c = await connectClient(`ws://127.0.0.1:${g.port}/ws`, key);
    await c.hello();
    const { request } = await c.next("pairing");
    const approved = runCli(["devices", "approve", request.code, "--json"], { stateDir: g.stateDir });
    expect(approved.status, approved.stderr).toBe(0);
    await c.next("welcome");
    c.close();
    const invite = runCli(["invite", "--json"], { stateDir: g.stateDir });
    const token = new URL((invite.json() as { url: string }).url).hash.replace("#invite=", "");
    expect((await httpGet(`http://127.0.0.1:${g.port}/`, { Host: "evil.example" })).status).toBe(403); // a refusal line
    await g.stop();

    const lines = g.stderr().split("\n").filter(Boolean);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of entries) {
      expect(typeof e.t).toBe("string");
      expect(["debug", "info", "warn", "error"]).toContain(e.level);
      expect(typeof e.msg).toBe("string");
    }
    const msgs = entries.map((e) => e.msg);
    expect(msgs).toEqual(expect.arrayContaining(["listening", "config", "pairing requested", "pairing approved", "refused", "stopped"]));
    const firstStart = /#invite=([A-Za-z0-9_-]+)/.exec(g.stdout())![1]!;
    const codeRaw = request.code.replace("-", "");
    for (const l of lines) {
      for (const secret of [request.code, codeRaw, token, firstStart]) expect(l).not.toContain(secret);
    }
    expect(g.stdout()).not.toContain(token);
    expect(g.stdout().split(firstStart).length - 1).toBe(1); // printed once, on the console only

    const quiet = await spawn(["--log-level", "warn"]);
    await quiet.stop();
    expect(quiet.stderr().trim()).toBe("");
  });
});
