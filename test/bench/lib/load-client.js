// The load generator: a separate process (forked by the bench, commands over IPC) that drives a gateway or the
// bare-ws baseline with real `ws` clients. Client work is kept light: keys are made before the clock starts and
// each hello costs one node:crypto Ed25519 signature.
import { sign } from "node:crypto";
import WebSocket from "ws";
import { adminClient } from "./admin-socket.js";
import { readKeyFile } from "./keys.js";
import { cpuMs } from "./processes.js";

const kit = await import(process.env.PAIRGATE_BENCH_KIT);
const SUBPROTOCOL = kit.SUBPROTOCOL;
const WS_OPTS = { perMessageDeflate: false, maxPayload: 64 * 1024 };

let keys = [];
const idle = [];

function helloFor(challengeText, key) {
  const c = JSON.parse(challengeText);
  const signedAtMs = Date.now();
  const bytes = kit.buildSignedBytes({ gatewayId: c.gatewayId, nonce: c.nonce, origin: "", publicKeyB64u: key.publicKeyB64u, signedAtMs });
  return JSON.stringify({
    type: "hello",
    protocol: kit.PROTOCOL_VERSION,
    publicKey: key.publicKeyB64u,
    signedAtMs,
    signature: sign(null, bytes, key.privateKey).toString("base64url"),
    keyStorage: "webcrypto",
    client: { name: "bench client", userAgent: "pairgate-bench" },
  });
}

/**
 * One paired handshake: connect → challenge → hello → welcome → close. Resolves with
 * { handshakeMs: connect → welcome, cycleMs: connect → closed }.
 */
function pairedCycle(url, key, localAddress) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const ws = new WebSocket(url, SUBPROTOCOL, localAddress ? { ...WS_OPTS, localAddress } : WS_OPTS);
    let handshakeMs = -1;
    let firstFrame = true;
    ws.on("message", (data) => {
      if (firstFrame) {
        firstFrame = false;
        ws.send(helloFor(String(data), key));
        return;
      }
      // Events (gateway.counts, presence) may follow the welcome while the close is under way: not an error.
      if (handshakeMs >= 0) return;
      const frame = JSON.parse(String(data));
      if (frame.type !== "welcome") return (ws.terminate(), reject(new Error(`expected welcome, got ${frame.type} ${frame.code ?? ""}`)));
      handshakeMs = performance.now() - t0;
      ws.close(1000);
    });
    ws.on("error", (err) => reject(err));
    ws.on("close", (code) => {
      if (handshakeMs < 0) return reject(new Error(`closed ${code} before welcome`));
      resolve({ handshakeMs, cycleMs: performance.now() - t0 });
    });
  });
}

/**
 * A baseline cycle: connect → one message in → `reply(message, key)` out → the server closes with 1000.
 * bare: echo the nonce. bareVerify: the client signs the nonce with its own key, the server verifies it.
 */
function baselineCycle(reply) {
  return (url, key, localAddress) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const ws = new WebSocket(url, SUBPROTOCOL, localAddress ? { ...WS_OPTS, localAddress } : WS_OPTS);
      let replied = false;
      ws.on("message", (data) => {
        if (replied) return;
        replied = true;
        ws.send(reply(JSON.parse(String(data)).nonce, key));
      });
      ws.on("error", (err) => reject(err));
      ws.on("close", (code) => {
        if (!replied || code !== 1000) return reject(new Error(`baseline cycle closed ${code}`));
        const cycleMs = performance.now() - t0;
        resolve({ handshakeMs: cycleMs, cycleMs });
      });
    });
}

const bareCycle = baselineCycle((nonce) => JSON.stringify({ type: "reply", echo: nonce }));
const bareVerifyCycle = baselineCycle((nonce, key) =>
  JSON.stringify({ publicKey: key.publicKeyB64u, signature: sign(null, Buffer.from(nonce, "base64url"), key.privateKey).toString("base64url") }),
);

const CYCLES = { paired: pairedCycle, bare: bareCycle, bareVerify: bareVerifyCycle };
/** Kinds that sign with the device keys: the warm-up runs each of their keys once, so key caches are warm. */
const KEYED = new Set(["paired", "bareVerify"]);

function targetKeys(t) {
  return keys.slice(t.keyStart ?? 0, (t.keyStart ?? 0) + (t.keyCount ?? 1));
}

async function sequential({ target, count }) {
  const cycle = CYCLES[target.kind];
  const ks = targetKeys(target);
  const handshakeMs = [];
  const cycleMs = [];
  let errors = 0;
  let firstError = null;
  for (let i = 0; i < count; i++) {
    try {
      const r = await cycle(target.url, ks[i % ks.length]);
      handshakeMs.push(r.handshakeMs);
      cycleMs.push(r.cycleMs);
    } catch (err) {
      errors++;
      firstError ??= String(err.message ?? err);
    }
  }
  return { handshakeMs, cycleMs, errors, firstError };
}

/**
 * `concurrency` clients, each running cycles back to back until `durationMs` is up (and, for a warm-up, until at
 * least `minCycles` have started); only cycles that finish in time count.
 */
async function drive(target, concurrency, durationMs, acc, keyCursor, minCycles = 0) {
  const cycle = CYCLES[target.kind];
  const ks = targetKeys(target);
  const cpu0 = target.pid ? cpuMs(target.pid) : 0;
  const t0 = performance.now();
  const untilMs = t0 + durationMs;
  let cursor = keyCursor;
  let cycles = 0;
  let started = 0;
  const worker = async (w) => {
    const localAddress = target.localAddresses ? target.localAddresses[w % target.localAddresses.length] : undefined;
    while (performance.now() < untilMs || started < minCycles) {
      started++;
      const key = ks[cursor++ % ks.length];
      try {
        const r = await cycle(target.url, key, localAddress);
        cycles++;
        if (performance.now() <= untilMs) {
          acc.completed++;
          acc.handshakeMs.push(r.handshakeMs);
        }
      } catch (err) {
        acc.errors++;
        acc.firstError ??= String(err.message ?? err);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  acc.elapsedMs += Math.min(performance.now(), untilMs) - t0;
  // Server CPU (user + system, all threads) over the slice, including the few cycles that ended after the deadline.
  if (target.pid) {
    acc.serverCpuMs = (acc.serverCpuMs ?? 0) + cpuMs(target.pid) - cpu0;
    acc.cycles = (acc.cycles ?? 0) + cycles;
  }
  return cursor;
}

/**
 * Drives several targets in interleaved slices (A B C C B A …), so slow drift on a shared machine lands on every
 * target alike. A warm-up per target runs first and is not counted: `warmupMs`, and with `warmEveryKey` at least
 * one handshake per key, so the gateway has seen every device once (steady state, not first sight).
 */
async function concurrent({ targets, concurrency, sliceMs, slices, warmupMs, warmEveryKey = false }) {
  const accs = targets.map(() => ({ completed: 0, errors: 0, firstError: null, elapsedMs: 0, handshakeMs: [] }));
  const cursors = targets.map(() => 0);
  const warm = [];
  for (let t = 0; t < targets.length; t++) {
    const minCycles = warmEveryKey && KEYED.has(targets[t].kind) ? targetKeys(targets[t]).length : 0;
    const acc = { completed: 0, errors: 0, firstError: null, elapsedMs: 0, handshakeMs: [] };
    const t0 = performance.now();
    if (warmupMs > 0 || minCycles > 0) cursors[t] = await drive(targets[t], concurrency, warmupMs, acc, cursors[t], minCycles);
    warm.push({ ms: Math.round(performance.now() - t0), errors: acc.errors, cycles: acc.cycles ?? acc.completed });
  }
  // Every other round runs backwards (A B C, C B A, …): a target's place in the round (right after another's
  // teardown, or last before the next round) then costs every target alike.
  const forward = targets.map((_, t) => t);
  for (let s = 0; s < slices; s++) {
    for (const t of s % 2 === 0 ? forward : [...forward].reverse()) cursors[t] = await drive(targets[t], concurrency, sliceMs, accs[t], cursors[t]);
  }
  return accs.map((a, t) => ({ ...a, warmup: warm[t] }));
}

/** Opens one authenticated socket per key and keeps it; `batch` handshakes at a time. */
async function openIdle({ url, keyStart, count, batch = 100, localAddresses }) {
  const ks = keys.slice(keyStart, keyStart + count);
  let errors = 0;
  let firstError = null;
  for (let i = 0; i < ks.length; i += batch) {
    await Promise.all(
      ks.slice(i, i + batch).map((key, j) =>
        openAuthenticated(url, key, localAddresses?.[(i + j) % localAddresses.length]).then(
          (s) => idle.push(s.ws),
          (err) => {
            errors++;
            firstError ??= String(err.message ?? err);
          },
        ),
      ),
    );
  }
  return { open: idle.length, errors, firstError };
}

async function closeIdle() {
  const n = idle.length;
  await Promise.all(idle.splice(0).map((ws) => new Promise((r) => (ws.readyState === WebSocket.CLOSED ? r() : (ws.once("close", r), ws.close(1000))))));
  return { closed: n };
}

/** A socket that has received welcome (or, with `expect: "pairing"`, its pairing frame) and stays open. */
function openAuthenticated(url, key, localAddress, expect = "welcome") {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, SUBPROTOCOL, localAddress ? { ...WS_OPTS, localAddress } : WS_OPTS);
    const frames = [];
    const waiters = [];
    let first = true;
    let helloSentAt = 0;
    ws.on("message", (data) => {
      if (first) {
        first = false;
        const hello = helloFor(String(data), key);
        helloSentAt = performance.now();
        return ws.send(hello);
      }
      const frame = JSON.parse(String(data));
      frames.push(frame);
      for (const w of waiters.splice(0)) w(frame);
      if (frames.length === 1) {
        if (frame.type === expect) resolve({ ws, frame, waitFor, helloToFrameMs: performance.now() - helloSentAt });
        else reject(new Error(`expected ${expect}, got ${frame.type} ${frame.code ?? ""}`));
      }
    });
    ws.on("error", reject);
    ws.on("close", (code) => reject(new Error(`closed ${code} during handshake`)));
    const waitFor = (type) =>
      new Promise((r) => {
        const seen = frames.find((f) => f.type === type);
        if (seen) return r(seen);
        const w = (f) => (f.type === type ? r(f) : waiters.push(w));
        waiters.push(w);
      });
  });
}

/**
 * Admin dashboard sessions for the admin-scale suite: authenticated admin sockets that only receive (as open tabs
 * on the Devices page do). Counts what the gateway sends them.
 */
const admins = [];
async function openAdmins({ url, keyStart, count }) {
  for (const key of keys.slice(keyStart, keyStart + count)) {
    const s = await openAuthenticated(url, key);
    const entry = { ws: s.ws, frames: 0, bytes: 0, changed: 0 };
    s.ws.removeAllListeners("message");
    s.ws.removeAllListeners("close");
    s.ws.on("message", (data) => {
      entry.frames++;
      entry.bytes += data.length;
    });
    admins.push(entry);
  }
  return { open: admins.length };
}

async function closeAdmins() {
  const stats = { sessions: admins.length, frames: 0, bytes: 0 };
  for (const a of admins.splice(0)) {
    stats.frames += a.frames;
    stats.bytes += a.bytes;
    a.ws.close(1000);
  }
  return stats;
}

/**
 * Approve via the admin socket → `welcome` on the waiting socket, one request at a time. With `urls`, the waiting
 * socket goes to each gateway in turn (sample i to urls[i % n]), so that targets are compared interleaved, under the
 * same load; `target[j]` says which url sample j used.
 */
async function approve({ url, urls = [url], adminSocket, keyStart, count }) {
  const admin = await adminClient(adminSocket);
  const approveToWelcomeMs = [];
  const approveAckMs = [];
  const helloToPairingMs = [];
  const target = [];
  let errors = 0;
  let firstError = null;
  for (const [i, key] of keys.slice(keyStart, keyStart + count).entries()) {
    try {
      const waiting = await openAuthenticated(urls[i % urls.length], key, undefined, "pairing");
      helloToPairingMs.push(waiting.helloToFrameMs);
      const welcome = waiting.waitFor("welcome");
      const t0 = performance.now();
      const acked = admin.call("devices.approve", { code: waiting.frame.request.code }).then((res) => {
        if (!res.ok) throw new Error(`approve refused: ${res.error.code}`);
        return performance.now() - t0;
      });
      await welcome;
      approveToWelcomeMs.push(performance.now() - t0);
      approveAckMs.push(await acked);
      target.push(i % urls.length);
      waiting.ws.close(1000);
    } catch (err) {
      errors++;
      firstError ??= String(err.message ?? err);
    }
  }
  admin.close();
  return { approveToWelcomeMs, approveAckMs, helloToPairingMs, target, errors, firstError };
}

/**
 * Revoke via the admin socket → every socket of that device closed (close event seen by the client). `urls` and
 * `target` as for approve: device i's sockets are on urls[i % n].
 */
async function revoke({ url, urls = [url], adminSocket, keyStart, count, socketsPerDevice }) {
  const admin = await adminClient(adminSocket);
  const revokeToClosedMs = [];
  const revokeAckMs = [];
  const target = [];
  const closeCodes = {};
  let errors = 0;
  let firstError = null;
  for (const [i, key] of keys.slice(keyStart, keyStart + count).entries()) {
    try {
      const socks = await Promise.all(Array.from({ length: socketsPerDevice }, () => openAuthenticated(urls[i % urls.length], key)));
      const deviceId = socks[0].frame.device.id;
      const t0 = performance.now();
      const closed = socks.map(
        (s) =>
          new Promise((r) =>
            s.ws.once("close", (code) => {
              closeCodes[code] = (closeCodes[code] ?? 0) + 1;
              r(performance.now() - t0);
            }),
          ),
      );
      const res = await admin.call("devices.revoke", { deviceId });
      const ackMs = performance.now() - t0;
      if (!res.ok) throw new Error(`revoke refused: ${res.error.code}`);
      revokeToClosedMs.push(Math.max(...(await Promise.all(closed))));
      revokeAckMs.push(ackMs);
      target.push(i % urls.length);
    } catch (err) {
      errors++;
      firstError ??= String(err.message ?? err);
    }
  }
  admin.close();
  return { revokeToClosedMs, revokeAckMs, target, closeCodes, errors, firstError };
}

const COMMANDS = {
  loadKeys: ({ file, count }) => {
    keys = readKeyFile(file, 0, count);
    return { keys: keys.length };
  },
  sequential,
  concurrent,
  openIdle,
  closeIdle,
  approve,
  revoke,
  openAdmins,
  closeAdmins,
};

process.on("message", async ({ id, cmd, args }) => {
  try {
    process.send({ id, ok: true, result: await COMMANDS[cmd](args ?? {}) });
  } catch (err) {
    process.send({ id, ok: false, error: String(err?.stack ?? err) });
  }
});
