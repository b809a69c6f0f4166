// The real image, built from the Dockerfile unchanged and run with podman: the Docker-NAT case this project exists
// for. Chromium on the host opens the published loopback port and sees the code and the bridge address; the CLI
// inside the container approves it, with the command the screen shows; the pairing survives a restart; the
// HEALTHCHECK passes; compose.yaml's hardening works as written; its CLI-only service works with no network over
// the shared volume. Scaffolding (stand-in base images, a private podman store): test/support/container/README.md.
// Needs root and podman. As root or in CI a missing premise fails the test with the reason; elsewhere it says why
// and skips, like the other namespace tests.
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { ensureBaseImages } from "../support/container/base-images.js";
import { buildImage, composeRunFlags, composeServices } from "../support/container/image.js";
import { podman, podmanUnavailable } from "../support/container/podman.js";
import { textOf, waitForState } from "../support/browser.js";
import { launchBrowser } from "../support/chromium.js";
import { REPO_ROOT } from "../support/gateway-harness.js";
import { pairInBrowser } from "../support/deploy/browser-pairing.js";
import { docBlock, shellWords } from "../support/deploy/doc-blocks.js";
import { httpGet } from "../support/deploy/http.js";
import { eventually } from "../support/deploy/processes.js";
import { freePort } from "../support/deploy/proxies.js";

const reason = podmanUnavailable();
const mustRun = process.env.CI !== undefined || process.getuid?.() === 0;
const services = composeServices(REPO_ROOT);
const IMAGE = String(services.pairgate!.image);
const log = (line: string) => console.log(`[deploy-container] ${line}`);

/** Fails with the reason as root or in CI (the premise should hold there); elsewhere says why and skips. */
function requirePodman(ctx: TestContext): void {
  if (!reason) return;
  if (mustRun) throw new Error(`podman can't run the container test here: ${reason}`);
  log(`skipped: ${reason}`);
  ctx.skip();
}

describe("the pairgate image under podman, Chromium on the host", () => {
  const id = randomBytes(3).toString("hex");
  const volume = `pg-test-${id}-pairgate-data`;
  const names = { run: `pg-test-${id}-run`, compose: `pg-test-${id}-pairgate` };
  let hostPort = 0;
  let browser: Browser | null = null;
  let first: { context: BrowserContext; page: Page } | null = null;

  const url = () => `http://localhost:${hostPort}/`;
  const healthy = () =>
    eventually(
      async () => ((await httpGet(`http://127.0.0.1:${hostPort}/healthz`).catch(() => null))?.status === 200 ? true : null),
      "/healthz 200 through the published port",
      30_000,
    );
  const inspect = (name: string, format: string) => podman(["container", "inspect", "--format", format, name]).ok();
  /**
   * `podman healthcheck run`, as the HEALTHCHECK's own --retries=3 counts it: unhealthy only after 3 failures in a
   * row (on a loaded 2-core machine, one `node -e` check can exceed its 5 s timeout).
   */
  const healthcheck = (name: string) => {
    let r = podman(["healthcheck", "run", name]);
    for (let i = 1; i < 3 && r.status !== 0; i++) r = podman(["healthcheck", "run", name]);
    return r;
  };
  /** Runs a command the pairing screen shows (`podman exec <id> pairgate …`) word for word. */
  const runShown = (command: string) => {
    const words = shellWords(command);
    expect(words[0]).toBe("podman");
    return podman(words.slice(1));
  };

  beforeAll(async () => {
    if (reason) return;
    const t0 = performance.now();
    const base = ensureBaseImages(log);
    log(`base images ${base.hash}: ${base.images.map((i) => `${i.tag} from ${i.source} in ${Math.round(i.ms)} ms`).join("; ")}`);
    const built = buildImage(IMAGE, REPO_ROOT);
    log(`podman build in ${Math.round(built.ms)} ms; setup ${Math.round(performance.now() - t0)} ms`);
    hostPort = await freePort();
    browser = await launchBrowser();
  }, 2_700_000); // cold: about 25 min on a loaded 2-core machine (test/support/container/README.md); warm: about 1 min

  afterAll(async () => {
    await first?.context.close();
    await browser?.close();
    if (reason) return;
    for (const name of Object.values(names)) podman(["rm", "--force", "--time", "10", name]);
    podman(["volume", "rm", "--force", volume]);
  }, 60_000);

  it("builds the Dockerfile unchanged, as Docker's format with its HEALTHCHECK, to run as the node user", (ctx) => {
    requirePodman(ctx);
    const [image] = JSON.parse(podman(["image", "inspect", IMAGE]).ok()) as Array<{
      Config: { User: string; Entrypoint: string[]; ExposedPorts: object };
      Healthcheck?: { Test: string[]; Retries: number };
      Size: number;
    }>;
    expect(image!.Config.User).toBe("node");
    expect(image!.Config.Entrypoint).toEqual(["node", "/app/bin/pairgate.js"]);
    expect(Object.keys(image!.Config.ExposedPorts)).toEqual(["8420/tcp"]);
    expect(image!.Healthcheck?.Test[0]).toBe("CMD");
    expect(image!.Healthcheck?.Test.join(" ")).toContain("/healthz");
    expect(image!.Healthcheck?.Retries).toBe(3);
    log(`image size ${image!.Size} bytes`);
  });

  it("runs the docs' docker run recipe: Chromium sees the code and the bridge address, the command on screen approves it", async (ctx) => {
    requirePodman(ctx);
    // `docker run -d --name pairgate -p 127.0.0.1:8420:8420 -v pairgate-data:/data pairgate`, with this test's
    // name, free port, volume and image tag in place of the recipe's.
    const recipe = shellWords(
      docBlock("docker-run")
        .split("\n")
        .find((l) => l.startsWith("docker run"))!,
    );
    const args = recipe.slice(2).map((w, i, all) => {
      const flag = all[i - 1];
      if (flag === "--name") return names.run;
      if (flag === "-p") return w.replace(/^127\.0\.0\.1:\d+:/, `127.0.0.1:${hostPort}:`);
      if (flag === "-v") return w.replace(/^[^:/]+:/, `${volume}:`);
      return i === all.length - 1 ? IMAGE : w;
    });
    expect(args).toEqual(["-d", "--name", names.run, "-p", `127.0.0.1:${hostPort}:8420`, "-v", `${volume}:/data`, IMAGE]);
    const t0 = performance.now();
    podman(["run", ...args]).ok();
    await healthy();
    log(`podman run → /healthz 200 in ${Math.round(performance.now() - t0)} ms`);

    const containerId = inspect(names.run, "{{.Id}}").slice(0, 12);
    const bridge = inspect(names.run, "{{.NetworkSettings.Gateway}}");
    expect(bridge).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    first = { context: await browser!.newContext(), page: null as unknown as Page };
    first.page = await first.context.newPage();
    const page = first.page;
    const paired = await pairInBrowser(page, url(), async (code) => {
      // No name is set in the image: the gateway reads its own container id, so the command works as pasted.
      const shown = (await textOf(page, "approve-command")).trim();
      // (--state-dir is what the gateway adds for a state dir other than ~/.pairgate; redundant here, harmless.)
      expect(shown).toBe(`podman exec ${containerId} pairgate devices approve ${code} --state-dir /data`);
      return runShown(shown);
    });
    // The Docker-NAT case: the browser is on this machine, the gateway sees the bridge's address.
    expect(paired.seenFrom).toBe(`${bridge} · private network`);
    expect(paired.isSecureContext).toBe(true); // localhost: a WebCrypto key, as docs/deploy.md says
    expect(await page.locator(".eyebrow-name").count()).toBe(0); // the paired screen replaced the pairing one

    const logs = podman(["logs", names.run]).ok();
    expect(logs).toContain(`"pairgate" listening on http://0.0.0.0:8420`);
    expect(logs).toContain(`approve    podman exec ${containerId} pairgate devices approve CODE --state-dir /data`);
  });

  it("is still paired after a restart, and its HEALTHCHECK passes", async (ctx) => {
    requirePodman(ctx);
    podman(["restart", "--time", "10", names.run], { timeoutMs: 30_000 }).ok();
    expect(inspect(names.run, "{{.State.Running}}")).toBe("true");
    await healthy();
    await first!.page.reload();
    await waitForState(first!.page, "paired", 30_000);
    const hc = healthcheck(names.run);
    expect(hc.status, `${hc.stdout}${hc.stderr}`).toBe(0);
    const devices = JSON.parse(podman(["exec", names.run, "pairgate", "devices", "list", "--json"]).ok()) as { devices: unknown[] };
    expect(devices.devices).toHaveLength(1);
    podman(["stop", "--time", "10", names.run], { timeoutMs: 30_000 }).ok();
    expect(inspect(names.run, "{{.State.ExitCode}}")).toBe("0"); // SIGTERM reached node: a clean exit, not a kill
    podman(["rm", names.run]).ok();
  });

  it("runs compose.yaml's service as written: read-only root, tmpfs, no capabilities, no new privileges", async (ctx) => {
    requirePodman(ctx);
    const { flags, command } = composeRunFlags(services.pairgate!, { volumeName: () => volume, hostPort });
    expect(flags).toEqual(expect.arrayContaining(["--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true"]));
    podman(["run", "--detach", "--name", names.compose, ...flags, IMAGE, ...command]).ok();
    await healthy();

    // The browser paired through the first container is paired here too: same volume.
    await first!.page.reload();
    await waitForState(first!.page, "paired", 30_000);

    const proc = (script: string) => podman(["exec", names.compose, "node", "-e", script]);
    const status = proc("process.stdout.write(require('fs').readFileSync('/proc/1/status','utf8'))").ok();
    expect(status).toMatch(/^CapEff:\s+0+$/m);
    expect(status).toMatch(/^CapBnd:\s+0+$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(status).toMatch(/^Uid:\s+1000\s/m);
    const write = (path: string) => proc(`require('fs').writeFileSync(${JSON.stringify(path)}, 'x')`);
    expect(write("/app/probe").stderr).toContain("EROFS");
    expect(write("/var/tmp/probe").stderr).toContain("EROFS"); // only compose's tmpfs list is writable, as under Docker
    expect(write("/tmp/probe").status).toBe(0);

    // A second browser pairs through the hardened container; the screen shows compose's command, which the test
    // runs as `docker compose exec pairgate` would: in the running service container, as its user.
    const context = await browser!.newContext();
    const page = await context.newPage();
    const paired = await pairInBrowser(page, url(), async (code) => {
      const shown = (await textOf(page, "approve-command")).trim();
      expect(shown).toBe(`docker compose exec pairgate pairgate devices approve ${code}`);
      return podman(["exec", names.compose, ...shellWords(shown).slice(4)]);
    });
    expect(paired.seenFrom).toContain("private network");
    await context.close();
    const hc = healthcheck(names.compose);
    expect(hc.status, `${hc.stdout}${hc.stderr}`).toBe(0);
  });

  it("runs the CLI-only service with no network at all, over the shared volume", (ctx) => {
    requirePodman(ctx);
    const { flags, command } = composeRunFlags(services["pairgate-cli"]!, { volumeName: () => volume });
    expect(flags).toEqual(["--network", "none", "--volume", `${volume}:/data`]);
    const cli = (args: string[]) => podman(["run", "--rm", ...flags, IMAGE, ...args], { timeoutMs: 60_000 });

    const listed = JSON.parse(cli(["devices", "list", "--json"]).ok()) as { devices: Array<{ approvedVia: string }> };
    expect(listed.devices.map((d) => d.approvedVia)).toEqual(["cli", "cli"]);
    const doctor = cli(command); // the service's own command: doctor
    expect(doctor.status, doctor.stderr).toBe(0);
    expect(doctor.stdout).toContain("/data");
    // Nothing but loopback inside: the CLI reaches the gateway only through the socket in the volume.
    const ifaces = podman([
      "run",
      "--rm",
      ...flags,
      "--entrypoint",
      "node",
      IMAGE,
      "-e",
      "console.log(Object.keys(require('os').networkInterfaces()).join())",
    ]).ok();
    expect(ifaces).toBe("lo");
  });
});
