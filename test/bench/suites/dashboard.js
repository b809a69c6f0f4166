// dashboard: the initial JS + CSS gzip size of the Vite build, and navigation → pairing code on screen in headless
// Chromium (a fresh profile per run), against a real `pairgate start` serving dist/web.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { REPO_ROOT, startGateway } from "../lib/processes.js";
import { figure, latency } from "../lib/stats.js";

const WEB = join(REPO_ROOT, "dist/web");
const CODE_RE = "^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$";
const KB = 1000;

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

/** Headless Chromium for the dashboard suites, or null when none is installed. */
export async function launchBenchChromium() {
  const chromiumPath = findChromium();
  if (!chromiumPath) return null;
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export async function runDashboard({ cfg, built, log }) {
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

  const browser = await launchBenchChromium();
  if (!browser) return { dashboard: { ...out, navToCode: { error: "no Chromium (set PAIRGATE_CHROMIUM or apt-get install chromium)" } } };
  const gw = await startGateway();
  const inPage = [];
  const wall = [];
  const phases = [];
  const fetched = new Map();
  let failures = 0;
  let firstError = null;
  try {
    for (let i = 0; i < cfg.dashboardRuns; i++) {
      const context = await browser.newContext(); // a fresh, empty profile each time
      const page = await context.newPage();
      page.on("requestfinished", (req) => {
        const path = new URL(req.url()).pathname;
        if (/\.(js|css)$/.test(path)) fetched.set(path, (fetched.get(path) ?? 0) + 1);
      });
      try {
        const t0 = performance.now();
        await page.goto(gw.httpUrl, { waitUntil: "commit" });
        // performance.now() in the page counts from navigation start; polled every animation frame (= on screen).
        const handle = await page.waitForFunction(
          (re) => {
            const el = document.querySelector('[data-testid="pairing-code"]');
            return el && new RegExp(re).test((el.textContent ?? "").trim()) ? performance.now() : false;
          },
          CODE_RE,
          { polling: "raf", timeout: 15_000 },
        );
        wall.push(performance.now() - t0);
        inPage.push(await handle.jsonValue());
        // Where the time went, from the page's own timeline (no instrumentation of the app).
        phases.push(
          await page.evaluate(() => {
            const nav = performance.getEntriesByType("navigation")[0];
            const assets = performance.getEntriesByType("resource").filter((e) => /\.(js|css)$/.test(new URL(e.name).pathname));
            const fcp = performance.getEntriesByName("first-contentful-paint")[0];
            return {
              htmlResponseEnd: nav?.responseEnd ?? null,
              firstAssetRequested: assets.length ? Math.min(...assets.map((e) => e.startTime)) : null,
              lastJsCssLoaded: assets.length ? Math.max(...assets.map((e) => e.responseEnd)) : null,
              firstContentfulPaint: fcp?.startTime ?? null,
              domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
            };
          }),
        );
      } catch (err) {
        failures++;
        firstError ??= String(err.message ?? err).split("\n")[0];
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await gw.stop();
  }
  const loaded = [...fetched.keys()].map((p) => {
    const file = join(WEB, p.replace(/^\//, ""));
    return existsSync(file) ? { file: p, gzipBytes: gzipBytes(file) } : { file: p };
  });
  const loadedTotal = loaded.reduce((a, f) => a + (f.gzipBytes ?? 0), 0);
  log(`dashboard: nav → code ${inPage.map((x) => Math.round(x)).join(", ")} ms`);
  return {
    dashboard: {
      ...out,
      loadedBeforeCodeGzip: figure(loadedTotal / KB, "kB", loaded.length, { bytes: loadedTotal, files: loaded }),
      navToCode: { ...latency(inPage, [50, 90]), clock: "page performance.now() (navigation start → rAF with the code in the DOM)" },
      navToCodeWall: { ...latency(wall, [50, 90]), clock: "bench process: page.goto() call → code seen" },
      phasesMedianMs: Object.fromEntries(
        ["htmlResponseEnd", "firstAssetRequested", "lastJsCssLoaded", "firstContentfulPaint", "domContentLoaded"].map((k) => [
          k,
          latency(phases.map((p) => p[k]).filter((x) => typeof x === "number"), [50]).median,
        ]),
      ),
      failures,
      ...(firstError ? { firstError } : {}),
    },
  };
}
