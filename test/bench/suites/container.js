// container (optional: runs where podman can, see test/support/container/README.md): the real image's size, a cold
// `podman run` → /healthz 200, and the paired handshake rate through the published port as a ratio to the same
// gateway on the host, both measured in interleaved slices of one run by the same load process.
import { chmodSync, chownSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { BENCH_LIMIT_FLAGS, REPO_ROOT, startGateway, tempDir } from "../lib/processes.js";
import { figure, interleavedSlices, latency, rateOf, ratio } from "../lib/stats.js";

const IMAGE = "pairgate:bench";
const NODE_UID = 1000;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function healthzWithin(url, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

export async function runContainer(ctx) {
  const { cfg, kit, keys, load, log } = ctx;
  const why = kit.podmanUnavailable();
  if (why) {
    log(`container: not measured: ${why}`);
    return { container: { measured: false, why } };
  }
  const base = kit.ensureBaseImages(log);
  const build = kit.buildImage(IMAGE, REPO_ROOT);
  const sizeBytes = Number(kit.podman(["image", "inspect", "--format", "{{.Size}}", IMAGE]).ok());
  const names = [];
  const run = (args) => {
    const name = `pg-bench-${process.pid}-${names.length}`;
    names.push(name);
    kit.podman(["run", "--detach", "--name", name, ...args]).ok();
    return name;
  };
  try {
    // Cold: a new container and a new volume each time (first start: schema, admin socket, first-start invite).
    const coldMs = [];
    for (let i = 0; i < cfg.startupRuns; i++) {
      const port = await freePort();
      const t0 = performance.now();
      const name = run(["--publish", `127.0.0.1:${port}:8420`, "--volume", `${`pg-bench-${process.pid}-${i}`}:/data`, IMAGE]);
      await healthzWithin(`http://127.0.0.1:${port}/healthz`, 60_000);
      coldMs.push(performance.now() - t0);
      kit.podman(["rm", "--force", "--time", "5", name]);
      kit.podman(["volume", "rm", "--force", `pg-bench-${process.pid}-${i}`]);
    }
    log(`container: cold podman run → /healthz 200: ${coldMs.map(Math.round).join(", ")} ms`);

    // The same paired devices in every store; a container's state dir is a bind mount owned by its user.
    const seed = async (forContainer) => {
      const dir = tempDir();
      await kit.seedDevices(join(dir, "pairgate.db"), keys.publicKeys.slice(0, cfg.concurrentDevices));
      if (forContainer) {
        chmodSync(dir, 0o700);
        for (const p of [dir, join(dir, "pairgate.db")]) chownSync(p, NODE_UID, NODE_UID);
      }
      return dir;
    };
    const hostGw = await startGateway({ stateDir: await seed(false) });
    // Two containers of the image: one behind the published port (bridge + port forwarding), and one on the host's
    // network. The second has the same cgroup and CPU share as the first, so their ratio is the port's cost alone;
    // a plain host process competes with the machine's other load in another cgroup.
    const published = await freePort();
    const publishedName = run(["--publish", `127.0.0.1:${published}:8420`, "--volume", `${await seed(true)}:/data`, IMAGE, "start", ...BENCH_LIMIT_FLAGS]);
    const hostNet = await freePort();
    const hostNetName = run([
      "--network",
      "host",
      "--volume",
      `${await seed(true)}:/data`,
      IMAGE,
      "start",
      "--host",
      "127.0.0.1",
      "--port",
      String(hostNet),
      ...BENCH_LIMIT_FLAGS,
    ]);
    for (const port of [published, hostNet]) await healthzWithin(`http://127.0.0.1:${port}/healthz`, 60_000);
    const pidOf = (name) => Number(kit.podman(["inspect", "--format", "{{.State.Pid}}", name]).ok());
    const target = (port, pid) => ({ kind: "paired", url: `ws://127.0.0.1:${port}/ws`, pid, keyStart: 0, keyCount: cfg.concurrentDevices });
    try {
      const [viaPort, onHostNetwork, onHost] = await load.run("concurrent", {
        targets: [target(published, pidOf(publishedName)), target(hostNet, pidOf(hostNetName)), target(hostGw.port, hostGw.pid)],
        ...interleavedSlices(cfg),
      });
      // Server CPU per cycle (the gateway process's user+sys time, read from /proc by pid) as well as the rate: on a
      // shared machine the rates swing with the neighbours' load.
      const cpuPer = (a) => (a.cycles ? (a.serverCpuMs * 1000) / a.cycles : null);
      const rate = (a) => ({
        rate: figure(rateOf(a), "handshakes/s", a.completed),
        serverCpuPerCycle: figure(cpuPer(a), "µs", a.cycles),
        latency: latency(a.handshakeMs),
        errors: a.errors,
        ...(a.firstError ? { firstError: a.firstError } : {}),
      });
      return {
        container: {
          what: "the real Dockerfile built with podman (stand-in base images, test/support/container/), run with runc",
          baseImages: base.images.map((i) => ({ tag: i.tag, source: i.source, ms: Math.round(i.ms) })),
          buildMs: { value: Math.round(build.ms), note: "podman build; reuses cached layers, so only the first build on a machine is cold" },
          imageSize: figure(sizeBytes / 1e6, "MB", 1, { note: "podman image inspect .Size (uncompressed)" }),
          coldRunToHealthz: { ...latency(coldMs, [50, 90]), what: "podman run -d (new container, new volume) → GET /healthz 200 through the published port" },
          handshake: {
            what: `paired handshakes, ${cfg.concurrency} concurrent clients, ${cfg.concurrentDevices} devices, interleaved slices: the image behind podman's published 127.0.0.1 port, the image on the host's network, and \`pairgate start\` as a host process`,
            publishedPort: rate(viaPort),
            hostNetwork: rate(onHostNetwork),
            hostProcess: rate(onHost),
            rateVsHostNetwork: ratio(rateOf(viaPort), rateOf(onHostNetwork)),
            serverCpuVsHostNetwork: ratio(cpuPer(viaPort), cpuPer(onHostNetwork)),
            rateVsHostProcess: ratio(rateOf(viaPort), rateOf(onHost)),
            serverCpuVsHostProcess: ratio(cpuPer(viaPort), cpuPer(onHost)),
          },
        },
      };
    } finally {
      await hostGw.stop();
    }
  } finally {
    for (const name of names) kit.podman(["rm", "--force", "--time", "5", name]);
  }
}
