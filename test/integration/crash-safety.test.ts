// Issue 5 / docs/design.md#store: "A kill -9 at any moment loses nothing that was acknowledged." A child gateway gets
// 200 approvals over its admin socket (NDJSON, a few in flight at a time) and is SIGKILLed after a seeded-random number
// of acknowledgements. After restart every acknowledged approval is there, every request is either a device or still
// pending (never half of each), and SQLite's integrity_check passes. Five kill points. The 200 pending requests are
// made once over real sockets, and each round starts from a copy of that database.
import Database from "better-sqlite3";
import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEVICES_PAGE_MAX, type DeviceView, type DevicesListResult } from "../../shared/index.js";
import { spawnGateway, tempStateDir, type SpawnedGateway } from "../support/gateway-harness.js";
import { openAdmin, type AdminReply } from "../support/admin-socket-client.js";
import { requestPairing } from "../support/sessions.js";

const REQUESTS = 200;
const IN_FLIGHT = 4;
const ROOMY = [
  "--max-pending-per-address",
  "1000",
  "--max-pending-total",
  "1000",
  "--max-new-requests-per-minute",
  "100000",
  "--max-unauth-per-address",
  "1000",
  "--max-unauth-total",
  "2000",
];

/** mulberry32: a seeded PRNG, so the "random" kill points are the same on every run. */
function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(0x5eed);
// One kill point in each fifth of the run, from the second approval to the second-to-last.
const KILL_AFTER_ACKS = [0, 1, 2, 3, 4].map((i) => 1 + i * 40 + Math.floor(random() * 39));

let gw: SpawnedGateway | null = null;
afterEach(async () => {
  if (gw && gw.child.exitCode === null && gw.child.signalCode === null) await gw.stop("SIGKILL");
  gw = null;
});

async function makePending(port: number): Promise<Array<{ code: string; deviceId: string; fingerprint: string }>> {
  const out: Array<{ code: string; deviceId: string; fingerprint: string }> = [];
  const url = `ws://127.0.0.1:${port}/ws`;
  for (let batch = 0; batch < REQUESTS; batch += 20) {
    const made = await Promise.all(
      Array.from({ length: Math.min(20, REQUESTS - batch) }, async () => {
        const { client, pairing, key } = await requestPairing(url);
        client.close(); // the request stays approvable while its browser is away
        return { code: pairing.request.code, deviceId: key.deviceId, fingerprint: key.fingerprint };
      }),
    );
    out.push(...made);
  }
  return out;
}

/** Approves every code, IN_FLIGHT at a time, and SIGKILLs the gateway right after `killAfter` acknowledgements. */
async function approveUntilKilled(g: SpawnedGateway, codes: string[], killAfter: number): Promise<Set<string>> {
  const admin = await openAdmin(g.stateDir);
  const acked = new Set<string>();
  const exited = new Promise<void>((resolve) => g.child.once("exit", () => resolve()));
  let next = 0;
  let killed = false;
  const sendNext = () => {
    if (next < codes.length && !killed) admin.send("devices.approve", { code: codes[next++] });
  };
  admin.onReply = (reply: AdminReply) => {
    if (killed) return;
    if (!reply.ok) throw new Error(`approval refused: ${reply.error.code} ${reply.error.message}`);
    acked.add((reply.result as DeviceView).id);
    if (acked.size >= killAfter) {
      killed = true;
      g.child.kill("SIGKILL");
      return;
    }
    sendNext();
  };
  for (let i = 0; i < IN_FLIGHT; i++) sendNext();
  await exited;
  admin.socket.destroy();
  return acked;
}

let template = "";
let requests: Array<{ code: string; deviceId: string; fingerprint: string }> = [];
const dirs: string[] = [];

beforeAll(async () => {
  const maker = await spawnGateway(ROOMY);
  template = maker.stateDir;
  dirs.push(template);
  requests = await makePending(maker.port);
  expect(await maker.stop("SIGTERM")).toBe(0); // a clean close checkpoints the WAL into pairgate.db
  expect(new Set(requests.map((r) => r.code)).size).toBe(REQUESTS);
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("crash safety", () => {
  it.each(KILL_AFTER_ACKS)("keeps every acknowledged approval through a kill -9 after %i acknowledgements", async (killAfter) => {
    const stateDir = tempStateDir();
    dirs.push(stateDir);
    copyFileSync(join(template, "pairgate.db"), join(stateDir, "pairgate.db"));
    gw = await spawnGateway(ROOMY, { stateDir });
    const acked = await approveUntilKilled(
      gw,
      requests.map((r) => r.code),
      killAfter,
    );
    expect(gw.child.signalCode).toBe("SIGKILL");
    expect(acked.size).toBe(killAfter);

    const db = new Database(join(stateDir, "pairgate.db"));
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const stored = new Set((db.prepare("SELECT id FROM devices").all() as Array<{ id: string }>).map((r) => r.id));
      for (const id of acked) expect(stored.has(id), `acknowledged device ${id} survived`).toBe(true);
    } finally {
      db.close();
    }

    gw = await spawnGateway(ROOMY, { stateDir });
    const admin = await openAdmin(stateDir);
    const reply = await admin.call<DevicesListResult>("devices.list", { limit: DEVICES_PAGE_MAX }); // one page holds all REQUESTS
    admin.close();
    if (!reply.ok) throw new Error(reply.error.code);
    const list = reply.result as DevicesListResult;
    const devices = new Set(list.devices.map((d) => d.id));
    const pending = new Set(list.pending.map((p) => p.fingerprint));
    for (const id of acked) expect(devices.has(id)).toBe(true);
    // Atomic: each request is a device or still pending, never both and never neither.
    for (const r of requests)
      expect([r.deviceId, devices.has(r.deviceId), pending.has(r.fingerprint)]).toEqual([r.deviceId, !pending.has(r.fingerprint), !devices.has(r.deviceId)]);
    expect(devices.size + pending.size).toBe(REQUESTS);
  });
});
