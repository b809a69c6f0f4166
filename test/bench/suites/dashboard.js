// dashboard: the initial JS + CSS gzip size of the Vite build, and navigation → pairing code on screen in headless
// Chromium against a real `pairgate start` serving dist/web, two ways: cold (a new Chromium process with an empty
// profile per run: a first visit) and warm (a fresh context per run inside one running browser). Each run also
// counts the bytes that crossed the wire before the code showed (Resource Timing transferSize: headers + body as sent).
// The cold runs interleave three floor pages (../lib/floor-pages.js), so the dashboard's figure comes with what this
// machine's cold Chromium needs for a static page and for the bare protocol (with and without the gateway's opener
// policy), measured alike.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { REPO_ROOT, startGateway } from "../lib/processes.js";
import { figure, latency, median, ratio, round } from "../lib/stats.js";
import { instrumentPage, readMarks, STEP_ORDER } from "./dashboard-breakdown.js";
import { startFloorPages } from "../lib/floor-pages.js";

const WEB = join(REPO_ROOT, "dist/web");
const CODE_RE = "^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$";
const KB = 1000;

const diff = (a, b) => (a == null || b == null ? null : round(a - b, 1));
const gzipBytes = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/** What index.html makes the browser fetch before the app runs: the entry, its modulepreloads and stylesheets. */
function initialAssets() {
  const html = readFileSync(join(WEB, "index.html"), "utf8");
  const refs = new Set();
  for (const m of html.matchAll(/<script[^>]+type="module"[^>]*\ssrc="([^"]+)"/g)) refs.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+rel="(?:modulepreload|stylesheet)"[^>]*\shref="([^"]+)"/g)) refs.add(m[1]);
  return [...refs].map((ref) => {
    const file = join(WEB, ref.replace(/^\.?\//, ""));
    return { file: ref, rawBytes: readFileSync(file).length, gzipBytes: gzipBytes(file) };
  });
}

function findChromium() {
  const candidates = [process.env.PAIRGATE_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean);
  return candidates.find((p) => existsSync(p)) ?? null;
}

const LAUNCH_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const PHASES = ["htmlResponseEnd", "firstAssetRequested", "lastJsCssLoaded", "firstContentfulPaint", "domContentLoaded"];

/** One navigation in a fresh context: when the code showed (page clock), the wall time, and what came before it. */
async function measureOnce(browser, url, fetched, { instrument = false } = {}) {
  const context = await browser.newContext(); // a fresh, empty profile
  try {
    const page = await context.newPage();
    if (instrument) await page.addInitScript(instrumentPage);
    page.on("requestfinished", (req) => {
      const path = new URL(req.url()).pathname;
      if (/\.(js|css)$/.test(path)) fetched.set(path, (fetched.get(path) ?? 0) + 1);
    });
    const t0 = performance.now();
    await page.goto(url, { waitUntil: "commit" });
    // performance.now() in the page counts from navigation start; polled every animation frame (= on screen).
    const handle = await page.waitForFunction(
      (re) => {
        const el = document.querySelector('[data-testid="pairing-code"]');
        return el && new RegExp(re).test((el.textContent ?? "").trim()) ? performance.now() : false;
      },
      CODE_RE,
      { polling: "raf", timeout: 15_000 },
    );
    const wall = performance.now() - t0;
    const inPage = await handle.jsonValue();
    // Where the time went and what was sent before the code, from the page's own timeline (no instrumentation).
    const facts = await page.evaluate((codeAt) => {
      const nav = performance.getEntriesByType("navigation")[0];
      const all = performance.getEntriesByType("resource");
      const assets = all.filter((e) => /\.(js|css)$/.test(new URL(e.name).pathname));
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      const before = all.filter((e) => e.responseEnd <= codeAt);
      return {
        transferredBeforeCode: (nav?.transferSize ?? 0) + before.reduce((a, e) => a + e.transferSize, 0),
        decodedBeforeCode: (nav?.decodedBodySize ?? 0) + before.reduce((a, e) => a + e.decodedBodySize, 0),
        phases: {
          htmlResponseEnd: nav?.responseEnd ?? null,
          firstAssetRequested: assets.length ? Math.min(...assets.map((e) => e.startTime)) : null,
          lastJsCssLoaded: assets.length ? Math.max(...assets.map((e) => e.responseEnd)) : null,
          firstContentfulPaint: fcp?.startTime ?? null,
          domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
        },
      };
    }, inPage);
    // The instrumented runs also wait for React's commit: the whole pairing page, after the code.
    if (instrument) await page.locator("#content").waitFor({ state: "attached", timeout: 15_000 });
    const marks = instrument ? { ...(await page.evaluate(readMarks)), codeShown: inPage } : undefined;
    return { inPage, wall, ...facts, ...(marks ? { marks } : {}) };
  } finally {
    await context.close();
  }
}

/**
 * Runs `count` rounds; each round measures every target once, in an order that reverses every round, so the
 * machine's drift lands on all of them alike. Returns a summary per target name.
 */
async function series(count, targets) {
  const acc = targets.map(() => ({ runs: [], fetched: new Map(), failures: 0, firstError: null }));
  for (let i = 0; i < count; i++) {
    const order = targets.map((_, j) => j);
    if (i % 2) order.reverse();
    for (const j of order) {
      const { url, withBrowser, options } = targets[j];
      try {
        acc[j].runs.push(await withBrowser((browser) => measureOnce(browser, url, acc[j].fetched, options)));
      } catch (err) {
        acc[j].failures++;
        acc[j].firstError ??= String(err.message ?? err).split("\n")[0];
      }
    }
  }
  return Object.fromEntries(targets.map((t, j) => [t.name, summarise(acc[j], t.options)]));
}

function summarise({ runs, fetched, failures, firstError }, options) {
  const bytes = runs.map((r) => r.transferredBeforeCode);
  return {
    navToCode: {
      ...latency(
        runs.map((r) => r.inPage),
        [50, 90],
      ),
      clock: "page performance.now() (navigation start → rAF with the code in the DOM)",
    },
    navToCodeWall: {
      ...latency(
        runs.map((r) => r.wall),
        [50, 90],
      ),
      clock: "bench process: page.goto() call → code seen",
    },
    transferredBeforeCode: figure(median(bytes) / KB, "kB", bytes.length, {
      max: bytes.length ? Math.max(...bytes) / KB : null,
      decodedKB: median(runs.map((r) => r.decodedBeforeCode)) / KB,
      what: "transferSize of the page and every resource finished before the code showed (headers + encoded bodies)",
    }),
    phasesMedianMs: Object.fromEntries(
      PHASES.map((k) => [
        k,
        latency(
          runs.map((r) => r.phases[k]).filter((x) => typeof x === "number"),
          [50],
        ).median,
      ]),
    ),
    ...(options?.instrument ? { stepsMedianMs: stepMedians(runs) } : {}),
    failures,
    ...(firstError ? { firstError } : {}),
    fetched,
  };
}

const floorFailures = (runs) => Object.values(runs).reduce((n, r) => n + r.failures, 0);
const firstFloorError = (runs) => Object.values(runs).find((r) => r.firstError)?.firstError;

/** Per step, the median of its mark over the runs (page clock, ms after navigation start), in first-visit order. */
function stepMedians(runs) {
  const at = (k) => runs.map((r) => r.marks?.[k]).filter((x) => typeof x === "number");
  return Object.fromEntries(STEP_ORDER.map((k) => [k, at(k).length ? Math.round(median(at(k)) * 10) / 10 : null]));
}

/** Headless Chromium for the dashboard suites, or null when none is installed. */
export async function launchBenchChromium() {
  const chromiumPath = findChromium();
  if (!chromiumPath) return null;
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: LAUNCH_ARGS });
}

export async function runDashboard(ctx) {
  const { cfg, built, log } = ctx;
  if (!existsSync(join(WEB, "index.html"))) {
    return { dashboard: { error: "dist/web/index.html is missing: the dashboard did not build", build: built.web } };
  }
  const assets = initialAssets();
  const total = assets.reduce((a, f) => a + f.gzipBytes, 0);
  const out = {
    what: "gzip -9 of what index.html loads up front; then headless Chromium navigation → the pairing code rendered",
    build: built.web.ok ? "built in this run" : `measuring the existing dist/web: ${built.web.error.split("\n").at(-1)}`,
    initialJsCssGzip: figure(total / KB, "kB", assets.length, { bytes: total, files: assets }),
  };
  log(`dashboard: initial JS+CSS ${(total / KB).toFixed(1)} kB gzip`);

  const chromiumPath = findChromium();
  if (!chromiumPath) return { dashboard: { ...out, navToCode: { error: "no Chromium (set PAIRGATE_CHROMIUM or apt-get install chromium)" } } };
  const { chromium } = await import("playwright-core");
  const launch = () => chromium.launch({ executablePath: chromiumPath, headless: true, args: LAUNCH_ARGS });
  const floor = await startFloorPages();
  const gw = await startGateway({ args: ["--allowed-origin", floor.origin] });
  // The floor page with the same opener policy as the dashboard gets it from the gateway itself.
  const openerPolicy = (await fetch(gw.httpUrl)).headers.get("cross-origin-opener-policy");
  floor.setGateway({ wsUrl: gw.url, protocolVersion: ctx.kit.PROTOCOL_VERSION, subprotocol: ctx.kit.SUBPROTOCOL, openerPolicy });
  let cold;
  let floorRuns;
  let coldSteps;
  let warm;
  // Cold: a new browser process per run. playwright gives each launch its own new, empty profile directory.
  const coldBrowser = async (fn) => {
    const browser = await launch();
    try {
      return await fn(browser);
    } finally {
      await browser.close();
    }
  };
  try {
    ({ dashboard: cold, ...floorRuns } = await series(cfg.dashboardColdRuns, [
      { name: "dashboard", url: gw.httpUrl, withBrowser: coldBrowser },
      { name: "protocol", url: floor.protocolUrl, withBrowser: coldBrowser },
      { name: "protocolCoop", url: floor.protocolCoopUrl, withBrowser: coldBrowser },
      { name: "static", url: floor.staticUrl, withBrowser: coldBrowser },
    ]));
    ({ dashboard: coldSteps } = await series(cfg.dashboardColdRuns, [
      { name: "dashboard", url: gw.httpUrl, withBrowser: coldBrowser, options: { instrument: true } },
    ]));
    const browser = await launch();
    try {
      ({ dashboard: warm } = await series(cfg.dashboardRuns, [{ name: "dashboard", url: gw.httpUrl, withBrowser: (fn) => fn(browser) }]));
    } finally {
      await browser.close();
    }
  } finally {
    await gw.stop();
    await floor.close();
  }
  // What a first visit fetched before the code, per file, with each file's gzip -9 and brotli (as served) size.
  const loaded = [...cold.fetched.keys()].map((p) => {
    const file = join(WEB, p.replace(/^\//, ""));
    if (!existsSync(file)) return { file: p };
    return { file: p, gzipBytes: gzipBytes(file), ...(existsSync(`${file}.br`) ? { brBytes: statSync(`${file}.br`).size } : {}) };
  });
  const loadedTotal = loaded.reduce((a, f) => a + (f.gzipBytes ?? 0), 0);
  log(
    `dashboard: cold nav → code ${cold.navToCode.median} ms (floor: protocol with the gateway's opener policy ${floorRuns.protocolCoop.navToCode.median} ms, without ${floorRuns.protocol.navToCode.median} ms, static ${floorRuns.static.navToCode.median} ms), ${cold.transferredBeforeCode.value} kB; warm ${warm.navToCode.median} ms`,
  );
  const { fetched: _c, ...coldOut } = cold;
  const { fetched: _w, ...warmOut } = warm;
  const { fetched: _s, ...stepsOut } = coldSteps;
  return {
    dashboard: {
      ...out,
      loadedBeforeCodeGzip: figure(loadedTotal / KB, "kB", loaded.length, { bytes: loadedTotal, files: loaded }),
      cold: { what: "a new headless Chromium process with an empty profile per run (a first visit)", ...coldOut },
      warm: { what: "fresh contexts (empty profiles) inside one running headless Chromium", ...warmOut },
      coldFloor: {
        what: "in the same cold runs, interleaved: pages from a bare node:http server on this machine. static: the code already in the HTML, no script; protocol: one inline script that opens the socket, reads IndexedDB, makes, stores and signs with a WebCrypto Ed25519 key and shows the real code from this gateway, no framework; protocolCoop: the same page with the Cross-Origin-Opener-Policy header the gateway sends, which costs a first navigation a new renderer process (test/bench/lib/floor-pages.js)",
        openerPolicy,
        staticNavToCodeMs: floorRuns.static.navToCode.median,
        protocolNavToCodeMs: floorRuns.protocol.navToCode.median,
        protocolCoopNavToCodeMs: floorRuns.protocolCoop.navToCode.median,
        dashboardOverProtocol: ratio(cold.navToCode.median, floorRuns.protocol.navToCode.median),
        dashboardOverProtocolCoop: ratio(cold.navToCode.median, floorRuns.protocolCoop.navToCode.median),
        dashboardMinusProtocolCoopMs: diff(cold.navToCode.median, floorRuns.protocolCoop.navToCode.median),
        failures: floorFailures(floorRuns),
        ...(firstFloorError(floorRuns) ? { firstError: firstFloorError(floorRuns) } : {}),
      },
      coldBreakdown: {
        what: "cold runs again with WebSocket, indexedDB.open and crypto.subtle.generateKey wrapped by an init script: when each step happened (median ms after navigation start); instrumented, so its own series",
        navToCode: stepsOut.navToCode,
        stepsMedianMs: stepsOut.stepsMedianMs,
        failures: stepsOut.failures,
        ...(stepsOut.firstError ? { firstError: stepsOut.firstError } : {}),
      },
    },
  };
}
