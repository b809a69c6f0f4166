// memory: idle RSS of a fresh gateway, and RSS with N idle authenticated sockets (each its own paired device).
import { join } from "node:path";
import { rssBytes, startGateway, tempDir } from "../lib/processes.js";
import { figure } from "../lib/stats.js";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** RSS after letting the process settle; the median of a few reads a little apart. */
async function settledRss(pid, settleMs) {
  await sleep(settleMs);
  const reads = [];
  for (let i = 0; i < 5; i++) {
    reads.push(rssBytes(pid));
    await sleep(100);
  }
  return reads.sort((a, b) => a - b)[2];
}

const MB = 1024 * 1024;

export async function runMemory({ cfg, kit, keys, load, log }) {
  const fresh = await startGateway();
  let idleRss;
  try {
    idleRss = await settledRss(fresh.pid, cfg.settleMs);
  } finally {
    await fresh.stop();
  }
  log(`memory: idle RSS ${(idleRss / MB).toFixed(1)} MB`);

  const largest = Math.max(...cfg.memorySockets);
  const stateDir = tempDir();
  await kit.seedDevices(join(stateDir, "pairgate.db"), keys.publicKeys.slice(0, largest));
  const gw = await startGateway({ stateDir });
  const withSockets = {};
  try {
    const seededIdle = await settledRss(gw.pid, cfg.settleMs);
    let open = 0;
    for (const n of cfg.memorySockets) {
      const r = await load.run("openIdle", { url: gw.url, keyStart: open, count: n - open, batch: 100 });
      open = r.open;
      const rss = await settledRss(gw.pid, cfg.settleMs);
      withSockets[String(n)] = {
        sockets: figure(r.open, "sockets", 1),
        rss: figure(rss / MB, "MB", 5),
        added: figure((rss - seededIdle) / MB, "MB", 5),
        bytesPerSocket: figure((rss - seededIdle) / Math.max(1, r.open), "bytes/socket", r.open),
        errors: r.errors,
        ...(r.firstError ? { firstError: r.firstError } : {}),
      };
      log(`memory: ${r.open} sockets → RSS ${(rss / MB).toFixed(1)} MB`);
    }
    await load.run("closeIdle", {});
    const top = withSockets[String(largest)];
    return {
      memory: {
        what: "VmRSS of the gateway process (median of 5 reads after settling)",
        idleRss: figure(idleRss / MB, "MB", 5, { note: "fresh state dir, no sockets" }),
        seededIdleRss: figure(seededIdle / MB, "MB", 5, { devicesInStore: largest }),
        withIdleSockets: withSockets,
        addedByLargest: { ...top.added, sockets: top.sockets.value, requested: largest, bytesPerSocket: top.bytesPerSocket.value },
      },
    };
  } finally {
    await gw.stop();
  }
}
