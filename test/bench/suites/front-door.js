// front-door.*: what the front door's check costs on the request path (docs/front-door.md, "Figures"). The same
// upstream fixture app behind, in one run:
//   builtin: pairgate --upstream with a device session vs a bare http-proxy-3 server, same options, no check;
//   nginx:   nginx + auth_request to pairgate vs the same nginx site with the auth_request line taken out.
// Each pair runs interleaved (A B B A …, so a drift in the machine's load falls on both) under autocannon,
// keep-alive, `concurrency` connections: throughput as a ratio. Latency is measured apart, one keep-alive
// connection to each side, alternating request by request (A, B, A, B, …): each sample of A has a sample of B taken
// right next to it, so a busy moment of a shared machine lands on both sides alike, and p99 added is the
// difference of two p99s taken under the same conditions.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { join } from "node:path";
import autocannon from "autocannon";
import { adminClient } from "../lib/admin-socket.js";
import { pairedSocket } from "../lib/paired-socket.js";
import { REPO_ROOT, startGateway, tempDir, track } from "../lib/processes.js";
import { figure, latency, ratio, round } from "../lib/stats.js";

const UPSTREAM_APP = join(REPO_ROOT, "test/fixtures/upstream-app.js");
const BARE_PROXY = join(REPO_ROOT, "test/bench/lib/bare-proxy-server.js");
const LATENCY_WARMUP = 50;

async function startChild(file, args, pattern, what) {
  const child = track(spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "inherit"] }));
  const port = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start`)), 10_000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`${what} exited with ${code}`)));
  });
  child.stdout.resume();
  return { port, stop: () => child.kill("SIGTERM") };
}

/** A device session the way a browser gets one: key proven on <prefix>/ws, approved, ticket → POST → cookie. */
async function openSession(gw, kit) {
  const origin = gw.httpUrl;
  const approve = async (code) => {
    const admin = await adminClient(gw.adminSocket);
    const approved = await admin.call("devices.approve", { code });
    admin.close();
    if (!approved.ok) throw new Error(`approve: ${approved.error?.code}`);
  };
  const { ws, next } = await pairedSocket({ url: `${gw.url.replace(/\/ws$/, "")}/_pairgate/ws`, origin, proto: kit, approve });
  ws.send(JSON.stringify({ type: "req", id: "t", method: "session.ticket", params: {} }));
  const res = await next("res");
  if (!res.ok) throw new Error(`session.ticket: ${res.error.code}`);
  const posted = await fetch(`${origin}/_pairgate/session`, {
    method: "POST",
    headers: { Origin: origin, "Content-Type": "application/json" },
    body: JSON.stringify({ ticket: res.result.ticket }),
  });
  const setCookie = posted.headers.get("set-cookie");
  ws.close();
  if (posted.status !== 200 || !setCookie) throw new Error(`POST /_pairgate/session: ${posted.status} ${await posted.text()}`);
  return setCookie.split(";")[0];
}

/** One autocannon run; only 200s count, anything else is an error (a refused check would look fast). */
async function hit(url, cookie, opts) {
  let ok = 0;
  let bad = 0;
  const samples = [];
  const inst = autocannon({ url, headers: { cookie }, ...opts });
  inst.on("response", (_client, status, _bytes, ms) => {
    if (status === 200) {
      ok++;
      samples.push(ms);
    } else bad++;
  });
  const r = await inst;
  return { ok, bad: bad + r.errors + r.timeouts, durationMs: r.duration * 1000, samples };
}

/** One GET on a keep-alive agent: its time in ms, or null unless it was a 200. */
function timedGet(url, cookie, agent) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = request(url, { agent, headers: { cookie } }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode === 200 ? performance.now() - t0 : null));
    });
    req.once("error", () => resolve(null));
    req.end();
  });
}

/** `pairs` requests to each target on one connection each, alternating A, B, A, B (after a warm-up). */
async function alternatingLatency(targets, pairs) {
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const out = targets.map(() => ({ samples: [], bad: 0 }));
  try {
    for (let i = 0; i < pairs + LATENCY_WARMUP; i++) {
      for (const [j, t] of targets.entries()) {
        const ms = await timedGet(t.url, t.cookie, agents[j]);
        if (ms === null) out[j].bad++;
        else if (i >= LATENCY_WARMUP) out[j].samples.push(ms);
      }
    }
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return out;
}

/** Interleaved slices over two targets: each one's figures, the rate ratio, and p99 and median added at one connection. */
async function comparePair([a, b], cfg, smoke) {
  const seconds = Math.max(1, Math.round(cfg.sliceMs / 1000));
  const load = { connections: cfg.concurrency, duration: seconds };
  await hit(a.url, a.cookie, { connections: cfg.concurrency, amount: 500 }); // warm both paths up
  await hit(b.url, b.cookie, { connections: cfg.concurrency, amount: 500 });
  const acc = [a, b].map(() => ({ ok: 0, bad: 0, durationMs: 0, latency: [] }));
  for (let i = 0; i < cfg.slices; i++) {
    for (const j of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const r = await hit([a, b][j].url, [a, b][j].cookie, load);
      acc[j].ok += r.ok;
      acc[j].bad += r.bad;
      acc[j].durationMs += r.durationMs;
    }
  }
  const pairs = (smoke ? 150 : 1000) * cfg.slices;
  const lat = await alternatingLatency([a, b], pairs);
  for (const j of [0, 1]) {
    acc[j].bad += lat[j].bad;
    acc[j].latency = lat[j].samples;
  }
  const out = acc.map((x) => ({
    rate: figure((x.ok * 1000) / x.durationMs, "req/s", x.ok),
    latencyOneConnection: latency(x.latency),
    errors: x.bad,
  }));
  const added = (k) => round(out[0].latencyOneConnection[k] - out[1].latencyOneConnection[k]);
  return [out[0], out[1], ratio(out[0].rate.value, out[1].rate.value), added("p99"), added("median")];
}

export async function runFrontDoor({ cfg, kit, log, smoke }) {
  const stops = [];
  try {
    const app = await startChild(UPSTREAM_APP, [], /upstream-app listening on (\d+)/, "upstream app");
    stops.push(app.stop);
    const appUrl = `http://127.0.0.1:${app.port}`;
    const bare = await startChild(BARE_PROXY, [appUrl], /bare-proxy listening on (\d+)/, "bare proxy");
    stops.push(bare.stop);
    // PAIRGATE_BENCH_CPU_PROF=DIR profiles the gateway (node --cpu-prof) for the whole suite: where the check's time goes.
    const profDir = process.env.PAIRGATE_BENCH_CPU_PROF;
    const gw = await startGateway({
      args: ["--upstream", appUrl, "--trusted-proxy", "127.0.0.1/32"],
      nodeArgs: profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : [],
    });
    stops.push(() => gw.stop());
    const cookie = await openSession(gw, kit);

    log(`front-door.builtin: ${cfg.concurrency} connections, pairgate --upstream with a session vs bare http-proxy-3, ${cfg.slices} interleaved slices`);
    const [withAuth, withoutAuth, builtinRatio, builtinAdded, builtinMedianAdded] = await comparePair(
      [
        { url: `${gw.httpUrl}/api/echo`, cookie },
        { url: `http://127.0.0.1:${bare.port}/api/echo`, cookie },
      ],
      cfg,
      smoke,
    );

    const [authPort, straightPort] = [await kit.freePort(), await kit.freePort()];
    const sites = [
      kit.frontDoorNginxSite({ listenPort: authPort, gatewayPort: gw.port, appPort: app.port }),
      kit.withoutMaps(kit.frontDoorNginxSite({ listenPort: straightPort, gatewayPort: gw.port, appPort: app.port, withoutAuth: true })),
    ].join("\n");
    const nginx = await kit.startNginx(tempDir("pg-bench-nginx-"), sites, { host: "127.0.0.1", port: authPort });
    stops.push(() => nginx.stop());
    log(`front-door.nginx: nginx + auth_request to pairgate vs the same nginx site without it`);
    const [authRequest, straight, nginxRatio, nginxAdded, nginxMedianAdded] = await comparePair(
      [
        { url: `http://127.0.0.1:${authPort}/api/echo`, cookie },
        { url: `http://127.0.0.1:${straightPort}/api/echo`, cookie },
      ],
      cfg,
      smoke,
    );
    log(`front-door: built-in ${builtinRatio}× (p99 +${builtinAdded} ms), nginx ${nginxRatio}× (p99 +${nginxAdded} ms)`);
    return {
      "frontDoor.builtin": {
        what: "GET /api/echo on the upstream fixture app: pairgate --upstream with a device session vs a bare http-proxy-3 server (same options, no check); interleaved; latency at 1 connection",
        withAuth,
        withoutAuth,
        rateVsNoAuth: builtinRatio,
        p99AddedMs: builtinAdded,
        medianAddedMs: builtinMedianAdded,
      },
      "frontDoor.nginx": {
        what: "GET /api/echo through nginx: docs/front-door.md's site with auth_request to pairgate vs the same site without the auth_request line; interleaved; latency at 1 connection",
        authRequest,
        straight,
        rateVsStraight: nginxRatio,
        p99AddedMs: nginxAdded,
        medianAddedMs: nginxMedianAdded,
      },
    };
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
