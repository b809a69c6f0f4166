// adminScale: the admin side at 10,000 devices (docs/design.md#targets "Admin at scale").
//  1. Server CPU per paired handshake with 10 admin sessions open vs none: two gateways seeded alike (10,000
//     devices), one with 10 admin sockets that receive every devices.changed diff, driven in interleaved slices.
//  2. Clicks on the Devices page in headless Chromium with 10,000 devices: click (or keystroke) → the answer drawn,
//     timed in the page from the event to the animation frame that shows it.
import { join } from "node:path";
import { adminClient } from "../lib/admin-socket.js";
import { startGateway, tempDir } from "../lib/processes.js";
import { figure, latency, ratio } from "../lib/stats.js";
import { launchBenchChromium } from "./dashboard.js";

export async function runAdminScale(ctx) {
  const cpu = await measureHandshakeCpu(ctx);
  const clicks = await measureClicks(ctx);
  return { adminScale: { what: "10,000 devices: handshake CPU with admin tabs open, and Devices page clicks in Chromium", ...cpu, ...clicks } };
}

async function seededGateway(kit, keys, devices) {
  const stateDir = tempDir();
  const db = join(stateDir, "pairgate.db");
  await kit.seedDevices(db, keys.publicKeys.slice(0, devices));
  const [adminStart, adminCount] = keys.ranges.admins;
  await kit.seedDevices(db, keys.publicKeys.slice(adminStart, adminStart + adminCount), { role: "admin" });
  return startGateway({ stateDir });
}

async function measureHandshakeCpu({ cfg, kit, keys, load, log }) {
  const n = cfg.adminScaleDevices;
  const [adminStart, adminCount] = keys.ranges.admins;
  const quiet = await seededGateway(kit, keys, n);
  const watched = await seededGateway(kit, keys, n);
  try {
    await load.run("openAdmins", { url: watched.url, keyStart: adminStart, count: adminCount });
    const target = (gw) => ({ kind: "paired", url: gw.url, pid: gw.pid, keyStart: 0, keyCount: n });
    log(`adminScale: ${cfg.concurrency} clients on ${n} devices, no admin tab vs ${adminCount} admin tabs, ${cfg.adminScaleSlices} interleaved slices`);
    const [a, b] = await load.run("concurrent", {
      targets: [target(quiet), target(watched)],
      concurrency: cfg.concurrency,
      sliceMs: cfg.sliceMs,
      slices: cfg.adminScaleSlices,
      warmupMs: cfg.warmupMs,
      warmEveryKey: true,
    });
    const received = await load.run("closeAdmins");
    const cpuPer = (x) => (x.cycles ? (x.serverCpuMs * 1000) / x.cycles : null);
    const rateOf = (x) => (x.elapsedMs > 0 ? (x.completed * 1000) / x.elapsedMs : null);
    const side = (x) => ({
      rate: figure(rateOf(x), "handshakes/s", x.completed),
      serverCpuPerCycle: figure(cpuPer(x), "µs", x.cycles, { note: "server process user+sys CPU / cycles" }),
      errors: x.errors,
      ...(x.firstError ? { firstError: x.firstError } : {}),
    });
    return {
      handshake: {
        devices: n,
        noAdminTab: side(a),
        adminTabs: {
          sessions: adminCount,
          ...side(b),
          received: { ...received, note: "devices.changed diffs (and nothing else) sent to the admin sessions during warm-up and slices" },
        },
        serverCpuWithAdminsVsWithout: ratio(cpuPer(b), cpuPer(a)),
        rateWithAdminsVsWithout: ratio(rateOf(b), rateOf(a)),
      },
    };
  } finally {
    await Promise.all([quiet.stop(), watched.stop()]);
  }
}

/** In the page: runs one interaction and resolves with ms from the event to the first frame that shows its answer. */
function timeInteraction({ kind, search }) {
  const q = (sel) => document.querySelector(sel);
  const firstRow = () => q("[data-testid=device-row]");
  const setInput = (el, value) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const title = () => q("[data-testid=devices-section] h2")?.textContent ?? "";
  const steps = {
    openDevices: [() => q("[data-testid=nav-devices]").click(), () => q('main[data-page="devices"]:not([aria-busy="true"]) [data-testid=device-row]')],
    search: [() => setInput(q("[data-testid=device-search]"), search), () => /\(1 matching\)/.test(title()) && firstRow()],
    clearSearch: [
      () => setInput(q("[data-testid=device-search]"), ""),
      () => !/matching/.test(title()) && document.querySelectorAll("[data-testid=device-row]").length > 5,
    ],
    rename: [() => firstRow().querySelector("[data-testid=rename-button]").click(), () => q("[data-testid=rename-input]")],
    renameCancel: [
      () => q("[data-testid=rename-input]").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true })),
      () => !q("[data-testid=rename-input]"),
    ],
    revoke: [() => firstRow().querySelector("[data-testid=revoke-button]").click(), () => q("[data-testid=confirm-dialog]")],
    revokeCancel: [
      () => document.activeElement.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true })),
      () => !q("[data-testid=confirm-dialog]"),
    ],
    scroll: [() => q("[data-testid=device-scroller]").scrollBy(0, 2000), () => Number(firstRow()?.dataset.index) > 5],
    scrollTop: [() => q("[data-testid=device-scroller]").scrollTo(0, 0), () => firstRow()?.dataset.index === "0"],
    home: [() => q("[data-testid=nav-home]").click(), () => !q('main[data-page="devices"]')],
  };
  const [act, isDone] = steps[kind];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    act();
    const deadline = t0 + 10_000;
    const check = () => {
      if (isDone()) return resolve(performance.now() - t0);
      if (performance.now() > deadline) return reject(new Error(`${kind}: no answer in 10 s`));
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

const CLICKS = ["openDevices", "search", "clearSearch", "rename", "renameCancel", "revoke", "revokeCancel", "scroll", "scrollTop", "home"];

async function measureClicks({ cfg, kit, keys, log }) {
  const browser = await launchBenchChromium();
  if (!browser) return { clicks: { error: "no Chromium (set PAIRGATE_CHROMIUM or apt-get install chromium)" } };
  const gw = await seededGateway(kit, keys, cfg.adminScaleDevices);
  const times = Object.fromEntries(CLICKS.map((k) => [k, []]));
  // Seeded names are "bench device <i>": the last one's name matches that device alone.
  const search = `bench device ${cfg.adminScaleDevices - 1}`;
  try {
    const admin = await adminClient(gw.adminSocket);
    const res = await admin.call("invites.create", { role: "admin" });
    admin.close();
    if (!res.ok) throw new Error(`invites.create refused: ${res.error.code}`);
    const page = await (await browser.newContext()).newPage();
    await page.goto(res.result.url);
    await page.locator('[data-state="paired"]').first().waitFor({ timeout: 15_000 });
    await page.locator("[data-testid=nav-devices]").waitFor({ timeout: 15_000 });
    // Once through, untimed: the lazy Devices chunk loads and every code path is warm, as for an admin at work.
    for (const kind of CLICKS) await page.evaluate(timeInteraction, { kind, search });
    log(`adminScale: ${cfg.adminScaleClickRuns} rounds of ${CLICKS.length} interactions on the Devices page`);
    for (let i = 0; i < cfg.adminScaleClickRuns; i++) {
      for (const kind of CLICKS) times[kind].push(await page.evaluate(timeInteraction, { kind, search }));
    }
  } finally {
    await browser.close();
    await gw.stop();
  }
  const all = Object.values(times).flat();
  return {
    clicks: {
      devices: cfg.adminScaleDevices,
      clock: "page performance.now(): the event dispatched → the first animation frame whose DOM shows the answer",
      byKind: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, latency(v, [50, 90])])),
      all: latency(all, [50, 90, 99]),
      worstMedian: Math.max(...Object.values(times).map((v) => latency(v, [50]).median ?? 0)),
    },
  };
}
