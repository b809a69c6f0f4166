// Issue 5: bounded floods on loopback. 500 unauthenticated sockets from one address against a child gateway are
// capped as configured (the rest get HTTP 429 with Retry-After), nothing crashes, every slot comes back, and the
// child's RSS returns near its baseline. 100 pairing requests from one address leave at most the cap pending.
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { SUBPROTOCOL } from "../../shared/index.js";
import { spawnGateway, startGateway, type SpawnedGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { adminCall } from "../support/admin-socket-client.js";
import { requestPairing, waitForFrame, type Harness } from "../support/sessions.js";

const FLOOD = 500;
const CAP = 50;
/** A child's RSS stays above where it started (V8 and malloc keep freed pages), so its bound is generous;
 * the heap check below, after forced GCs, is the one that would catch a leak. */
const RSS_SLACK_KB = 64 * 1024;
const HEAP_SLACK_BYTES = 3 * 1024 * 1024;

let gw: SpawnedGateway | null = null;
let h: Harness | null = null;
afterEach(async () => {
  if (gw && gw.child.exitCode === null) await gw.stop("SIGTERM");
  await h?.stop();
  gw = null;
  h = null;
});

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error("no VmRSS in /proc status");
  return Number(m[1]);
}

type Outcome = { kind: "open"; ws: WebSocket } | { kind: "refused"; status: number; retryAfter: string | undefined } | { kind: "error"; message: string };

function attempt(url: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, [SUBPROTOCOL]);
    ws.once("message", () => resolve({ kind: "open", ws })); // the challenge: a live, unauthenticated socket
    ws.once("unexpected-response", (_req, res) => {
      resolve({ kind: "refused", status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] });
      res.resume();
      ws.terminate();
    });
    ws.once("error", (err) => resolve({ kind: "error", message: err.message }));
  });
}

async function flood(url: string) {
  const outcomes = await Promise.all(Array.from({ length: FLOOD }, () => attempt(url)));
  const open = outcomes.filter((o): o is Extract<Outcome, { kind: "open" }> => o.kind === "open");
  const refused = outcomes.filter((o): o is Extract<Outcome, { kind: "refused" }> => o.kind === "refused");
  return { outcomes, open, refused };
}

describe("flood of unauthenticated sockets", () => {
  it(`caps ${FLOOD} sockets from one address at the configured ${CAP}, answers the rest 429 with Retry-After, and recovers`, async () => {
    // Raw connections are capped first (128 per peer by default, connection-guard.ts); opened wide here to test the socket cap.
    gw = await spawnGateway(["--max-unauth-per-address", String(CAP), "--max-connections-per-address", "1000"]);
    const url = `ws://127.0.0.1:${gw.port}/ws`;
    const pid = gw.child.pid!;
    const baselineKb = rssKb(pid);
    for (let round = 0; round < 2; round++) {
      const { outcomes, open, refused } = await flood(url);
      expect(outcomes.filter((o) => o.kind === "error")).toEqual([]);
      expect(open).toHaveLength(CAP);
      expect(refused).toHaveLength(FLOOD - CAP);
      for (const r of refused) expect([r.status, r.retryAfter]).toEqual([429, "1"]);
      const doctor = await adminCall<{ sockets: { unauthenticated: number }; limits: { unauthPerAddress: number } }>(gw.stateDir, "gateway.doctor");
      expect(doctor.limits.unauthPerAddress).toBe(CAP);
      expect(doctor.sockets.unauthenticated).toBe(CAP);
      for (const o of open) o.ws.close();
      await eventuallyAsync(
        async () => (await adminCall<{ sockets: { open: number; unauthenticated: number } }>(gw!.stateDir, "gateway.doctor")).sockets.unauthenticated === 0,
      );
    }
    expect(gw.child.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${gw.port}/healthz`)).status).toBe(200);
    // A real browser still pairs right after.
    const { client, pairing } = await requestPairing(url);
    await adminCall(gw.stateDir, "devices.approve", { code: pairing.request.code });
    await client.next("welcome");
    expect(rssKb(pid)).toBeLessThan(baselineKb + RSS_SLACK_KB);
  });

  it("keeps the gateway's heap flat across repeated floods once garbage is collected", async () => {
    setFlagsFromString("--expose-gc"); // lets this worker force full GCs, so the comparison is of live objects only
    const gc = runInNewContext("gc") as () => void;
    const heapAfterGc = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    h = await startGateway({ settings: { unauthPerAddress: CAP, connectionsPerAddress: 1000 } });
    const round = async () => {
      const { open } = await flood(h!.url);
      expect(open).toHaveLength(CAP);
      for (const o of open) o.ws.close();
      await eventuallyAsync(async () => h!.gateway.sockets.open === 0);
    };
    await round(); // warm-up: first-use allocations (code, caches) are not a leak
    const before = heapAfterGc();
    for (let i = 0; i < 3; i++) await round();
    expect(heapAfterGc() - before).toBeLessThan(HEAP_SLACK_BYTES);
  });
});

describe("flood of pairing requests", () => {
  it("leaves at most the per-address cap pending out of 100 keys from one address; the rest get pending_limit or rate_limited 4429", async () => {
    h = await startGateway(); // defaults: 3 pending per address, 10 new requests per minute
    const outcomes: string[] = [];
    for (let batch = 0; batch < 100; batch += 10) {
      const results = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const c = await connectClient(h!.url, makeTestKey());
          await c.hello();
          const f = await waitForFrame(c, (x) => x.type === "pairing" || x.type === "error");
          if (f.type === "pairing") return "pending";
          const closed = await c.closed;
          return f.type === "error" ? `${f.code}/${closed.code}/${f.retryAfterMs !== undefined && f.retryAfterMs > 0}` : f.type;
        }),
      );
      outcomes.push(...results);
    }
    const counts = outcomes.reduce<Record<string, number>>((acc, o) => ((acc[o] = (acc[o] ?? 0) + 1), acc), {});
    expect(counts.pending).toBe(3);
    expect(Object.keys(counts).sort()).toEqual(["pending", "pending_limit/4429/true", "rate_limited/4429/true"]);
    const list = (await h.gateway.dispatch({ kind: "cli" }, "devices.list", {})) as { pending: unknown[] };
    expect(list.pending).toHaveLength(3);
    // Another address is not affected by this one's flood.
    const other = await requestPairing(h.url, makeTestKey(), { connect: { localAddress: "127.0.0.2" } });
    expect(other.pairing.request.seenFrom.address).toBe("127.0.0.2");
  });
});

async function eventuallyAsync(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
