// The container recipe without `docker build` (no daemon on the test machine): the Dockerfile's facts (slim
// runtime, non-root user, port, volume, exec-form entrypoint), compose.yaml and .dockerignore; then the built
// server started the way the image starts it — its ENTRYPOINT + CMD with its ENV and compose's environment, as
// uid 1000, in a network namespace of its own — reached from outside, healthy, and approved with the CLI as that user.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTHER_ENV, optionEnv, START_OPTIONS } from "../../server/src/config/options.js";
import { REPO_ROOT } from "../support/gateway-harness.js";
import { type ReadableInstall, readableInstall } from "../support/readable-install.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { docBlock, shellWords } from "../support/deploy/doc-blocks.js";
import { all, envOf, execForm, last, parseDockerfile, parseSimpleYaml, type Yaml } from "../support/deploy/dockerfile.js";
import { httpGet } from "../support/deploy/http.js";
import { createNetns, netnsUnavailable, type Netns } from "../support/deploy/netns.js";

const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8"));
const runtime = dockerfile.stages[dockerfile.stages.length - 1]!;
const imageEnv = envOf(runtime);
const compose = parseSimpleYaml(readFileSync(join(REPO_ROOT, "compose.yaml"), "utf8")) as { [k: string]: Yaml };
const services = compose.services as { [name: string]: { [k: string]: Yaml } };
const composeEnv = services.pairgate!.environment as Record<string, string>;
const KNOWN_ENV = new Set([...START_OPTIONS.map((s) => optionEnv(s)), ...Object.keys(OTHER_ENV)]);
/** The `node` user of the official Node images. */
const NODE_UID = 1000;

describe("Dockerfile", () => {
  it("builds in one stage and runs from a slim Node image in another", () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile.stages[0]!.from).toMatch(/^node:\d+(-bookworm)?$/);
    expect(runtime.from).toMatch(/^node:\d+-[a-z]+-slim$|^node:\d+-slim$/);
    expect(all(runtime, "COPY").some((c) => c.startsWith(`--from=${dockerfile.stages[0]!.name}`))).toBe(true);
    // The runtime carries no toolchain step of its own: only copies, the /data setup and the symlink.
    expect(all(runtime, "RUN").join(" ")).not.toMatch(/npm (ci|install)|apt-get/);
  });

  it("runs as the non-root node user and keeps its state in the /data volume it owns", () => {
    const user = last(runtime, "USER");
    expect(user).toBe("node");
    expect(["root", "0"]).not.toContain(user);
    expect(
      all(runtime, "VOLUME")
        .map((v) => execForm(v, "VOLUME"))
        .flat(),
    ).toContain("/data");
    expect(imageEnv.PAIRGATE_STATE_DIR).toBe("/data");
    const setup = all(runtime, "RUN").join(" ");
    expect(setup).toContain("chown node:node /data");
    expect(setup).toContain("chmod 700 /data");
    // USER comes after the setup that needs root, and before the entrypoint.
    const ops = runtime.instructions.map((i) => i.op);
    expect(ops.lastIndexOf("RUN")).toBeLessThan(ops.indexOf("USER"));
  });

  it("binds every interface on the port it exposes", () => {
    expect(all(runtime, "EXPOSE")).toEqual(["8420"]);
    expect(imageEnv.PAIRGATE_PORT).toBe("8420");
    expect(imageEnv.PAIRGATE_HOST).toBe("0.0.0.0");
  });

  it("starts node directly (exec form) so SIGTERM reaches the gateway, and sets only settings that exist", () => {
    expect(execForm(last(runtime, "ENTRYPOINT"), "ENTRYPOINT")).toEqual(["node", "/app/bin/pairgate.js"]);
    expect(execForm(last(runtime, "CMD"), "CMD")).toEqual(["start"]);
    expect(last(runtime, "WORKDIR")).toBe("/app");
    for (const k of Object.keys(imageEnv).filter((k) => k.startsWith("PAIRGATE_"))) expect(KNOWN_ENV, k).toContain(k);
    expect(last(runtime, "HEALTHCHECK")).toMatch(/CMD \[/);
  });

  it("copies only files that exist and that .dockerignore lets through, and ignores local builds and state", () => {
    const ignore = readFileSync(join(REPO_ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    for (const must of ["node_modules", "dist", ".git", ".pairgate"]) expect(ignore).toContain(must);
    const sources = dockerfile.stages.flatMap((s) =>
      all(s, "COPY")
        .filter((c) => !c.startsWith("--from"))
        .flatMap((c) => c.split(/\s+/).slice(0, -1)),
    );
    expect(sources.length).toBeGreaterThan(3);
    for (const src of sources) {
      expect(existsSync(join(REPO_ROOT, src)), `${src} exists`).toBe(true);
      expect(
        ignore.some((p) => p === src || src.startsWith(`${p}/`)),
        `${src} is not ignored`,
      ).toBe(false);
    }
  });

  it("matches the docker run recipe in docs/deploy.md", () => {
    const run = docBlock("docker-run")
      .split("\n")
      .find((l) => l.startsWith("docker run"))!;
    const words = shellWords(run);
    const port = words[words.indexOf("-p") + 1]!;
    const volume = words[words.indexOf("-v") + 1]!;
    const name = words[words.indexOf("--name") + 1]!;
    expect(port.split(":").pop()).toBe("8420");
    expect(port.startsWith("127.0.0.1:")).toBe(true); // the recipe publishes on this machine only
    expect(volume.split(":")[1]).toBe("/data");
    // The image names no container in its approve command: the gateway reads its own container id (the real-image
    // test, deploy-container.test.ts, runs the command the screen shows); the recipe's own name works as well.
    expect(imageEnv.PAIRGATE_CLI_HINT).toBeUndefined();
    expect(imageEnv.PAIRGATE_NAME).toBe("pairgate");
    expect(docBlock("docker-run")).toContain(`docker exec ${name} pairgate devices approve`);
  });
});

describe("compose.yaml", () => {
  it("builds the image, publishes the exposed port on loopback, mounts the volume at /data, and sets known settings", () => {
    const svc = services.pairgate!;
    expect(svc.build).toBe(".");
    expect(svc.ports).toEqual(["127.0.0.1:8420:8420"]);
    expect(svc.volumes).toEqual(["pairgate-data:/data"]);
    expect(Object.keys(compose.volumes as object)).toEqual(["pairgate-data"]);
    for (const k of Object.keys(composeEnv)) expect(KNOWN_ENV, k).toContain(k);
    expect(composeEnv.PAIRGATE_CLI_HINT).toBe("docker compose exec pairgate pairgate");
    expect(svc.read_only).toBe(true);
    expect(svc.cap_drop).toEqual(["ALL"]);
  });

  it("has a CLI service with the same image and volume and no network at all", () => {
    const cli = services["pairgate-cli"]!;
    expect(cli.image).toBe(services.pairgate!.image);
    expect(cli.volumes).toEqual(services.pairgate!.volumes);
    expect(cli.network_mode).toBe("none");
    expect(cli.profiles).toEqual(["cli"]);
  });
});

describe("the image's start command, run the way the container runs it", () => {
  const reason = netnsUnavailable();
  let ns: Netns | null = null;
  let dataDir = "";

  /** The container's process environment: image ENV, then compose's environment, with /data at a temp dir. */
  const containerEnv = () => ({
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dataDir,
    ...imageEnv,
    ...composeEnv,
    PAIRGATE_STATE_DIR: dataDir,
    PAIRGATE_NO_QR: "1",
  });
  /**
   * argv with /app (the image's WORKDIR) mapped to a readable copy of the install, and `node` to this node. A copy,
   * because the image's user must read what it runs, and the checkout may sit in a private (0700) directory.
   */
  let install: ReadableInstall | undefined;
  const app = () => install!.root;
  const toHost = (argv: string[]) => argv.map((a, i) => (i === 0 && a === "node" ? process.execPath : a.replace(/^\/app\//, `${app()}/`)));
  const asUser = (uid: number, argv: string[]) => ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--", ...argv];

  beforeAll(async () => {
    if (reason) return;
    dataDir = mkdtempSync(join(tmpdir(), "pg-docker-data-"));
    chownSync(dataDir, NODE_UID, NODE_UID);
    install = readableInstall();
    ns = await createNetns();
  });
  afterAll(async () => {
    await ns?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    install?.remove();
  });

  it("listens on the exposed port for browsers outside, is healthy, and pairs with the CLI run as the image's user", async (ctx) => {
    if (reason) {
      console.log(`[deploy-dockerfile] skipped: ${reason}`);
      ctx.skip();
    }
    const argv = asUser(NODE_UID, toHost([...execForm(last(runtime, "ENTRYPOINT"), "ENTRYPOINT"), ...execForm(last(runtime, "CMD"), "CMD")]));
    const gw = await ns!.start(argv[0]!, argv.slice(1), { name: "container", env: containerEnv(), cwd: app(), readyOutput: /listening on/ });
    expect(gw.output()).toContain("listening on http://0.0.0.0:8420");

    // Like a browser on the host reaching the published port: from outside the namespace, to its address.
    const health = await httpGet(`http://${ns!.nsAddress}:8420/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ ok: true, name: "pairgate" });

    // The image's HEALTHCHECK, run inside as the image's user.
    const hc = asUser(NODE_UID, toHost(execForm(/CMD (\[.*\])\s*$/.exec(last(runtime, "HEALTHCHECK")!)![1]!, "HEALTHCHECK")));
    const check = ns!.run(hc[0]!, hc.slice(1), { env: containerEnv() });
    expect(check.status, check.stderr).toBe(0);

    const key = makeTestKey();
    const c = await connectClient(`ws://${ns!.nsAddress}:8420/ws`, key);
    await c.hello();
    const pairing = await c.next("pairing");
    expect(pairing.request.seenFrom).toEqual({ address: ns!.hostAddress, networkClass: "private" });
    expect(pairing.approveCommand).toBe(`docker compose exec pairgate pairgate devices approve ${pairing.request.code}`);

    // `docker compose exec pairgate pairgate …` runs as the image's user, with the image's environment.
    const cli = (uid: number, args: string[]) => {
      const a = asUser(uid, [process.execPath, join(app(), "bin/pairgate.js"), ...args]);
      return ns!.run(a[0]!, a.slice(1), { env: containerEnv() });
    };
    // Another user is refused before the CLI writes anything into a socket in a dir it doesn't own (exit 2).
    const other = cli(NODE_UID + 1, ["devices", "pending"]);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/belongs to uid \d+, not to this process/);
    const approve = cli(NODE_UID, ["devices", "approve", pairing.request.code, "--json"]);
    expect(approve.status, approve.stderr).toBe(0);
    expect((await c.next("welcome")).device.approvedVia).toBe("cli");
    c.close();

    const st = spawnSync("stat", ["-c", "%u %a", dataDir, join(dataDir, "admin.sock"), join(dataDir, "pairgate.db")], { encoding: "utf8" });
    expect(st.stdout.trim().split("\n")).toEqual([`${NODE_UID} 700`, `${NODE_UID} 600`, expect.stringMatching(new RegExp(`^${NODE_UID} `))]);

    // docker stop: SIGTERM, and the gateway exits 0 well inside compose's stop_grace_period.
    const startedStop = Date.now();
    expect(await gw.stop(10_000)).toBe(0);
    expect(Date.now() - startedStop).toBeLessThan(5000);
  });
});
