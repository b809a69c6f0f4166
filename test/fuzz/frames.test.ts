// Issue 5 fuzz: over 10,000 generated frames against a real gateway on loopback. Every frame gets a coded answer
// (an error frame with its close code, or a `res` with a known code), never a raw 1006/1007/1009/1002 close or an
// internal error; the gateway never throws, leaks no socket, and a real pairing still succeeds right after.
// Frames come from fixed seeds (fc.sample), so a failure names a frame that replays the same way every run.
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ERROR_CODES, parseClientFrame, type ResFrame } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { makeTestKey, type TestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { CLI, eventually, pairDevice, requestPairing, type Harness } from "../support/sessions.js";
import { authGarbage, authRequest, preAuthFrame, type WireFrame } from "../support/fuzz/arbitraries.js";
import { codedRefusal, open, pool, send, withTimeout, type Exchange } from "../support/fuzz/fuzz-client.js";

const PRE_AUTH_FRAMES = 3000;
const AUTH_REQUESTS = 7000;
const AUTH_GARBAGE = 500;
const WIDTH = 16;
const ANSWER_MS = 5000;

let h: Harness;
const logLines: string[] = [];
const failures: string[] = [];
const fail = (frame: WireFrame | string, why: string) => {
  if (failures.length < 20) failures.push(`${why} ← ${typeof frame === "string" ? frame.slice(0, 200) : `${frame.label}: ${show(frame)}`}`);
};
function show(frame: WireFrame): string {
  return frame.kind === "text" ? JSON.stringify(frame.text.slice(0, 160)) : Buffer.from(frame.bytes.slice(0, 40)).toString("hex");
}

beforeAll(async () => {
  // Generous limits: the fuzz is about frames, not about the per-address limits (limits.test.ts covers those).
  h = await startGateway({
    logLines,
    logLevel: "warn",
    settings: {
      failuresBeforeBackoff: 1_000_000,
      connectionsPerAddress: 100_000,
      connectionsTotal: 100_000,
      unauthPerAddress: 10_000,
      unauthTotal: 100_000,
      requestsPerSecond: 1_000_000,
      requestBurst: 1_000_000,
      newRequestsPerMinute: 1_000_000,
      pendingPerAddress: 1_000_000,
      pendingTotal: 1_000_000,
    },
  });
});

afterAll(async () => {
  await h?.stop();
});

beforeEach(() => {
  failures.length = 0;
});

describe("fuzzed frames", () => {
  it(`answers ${PRE_AUTH_FRAMES} generated pre-authentication frames with a coded refusal and its close code`, async () => {
    const frames = fc.sample(preAuthFrame, { numRuns: PRE_AUTH_FRAMES, seed: 20261126 });
    let answered = 0;
    await pool(frames, WIDTH, async (frame) => {
      let exchange: Exchange;
      try {
        const opened = await withTimeout(open(h.url), ANSWER_MS, "challenge");
        exchange = opened.exchange;
        send(opened.ws, frame);
        await withTimeout(opened.closed, ANSWER_MS, "close");
      } catch (err) {
        return fail(frame, (err as Error).message);
      }
      answered++;
      if (exchange.invalid.length) return fail(frame, `gateway sent a frame its schema rejects: ${exchange.invalid[0]}`);
      const why = codedRefusal(exchange);
      if (why) return fail(frame, why);
      const error = exchange.frames.find((f) => f.type === "error")!;
      const unreadable = frame.kind !== "text" || !parseClientFrame(frame.text).ok;
      if (unreadable && error.type === "error" && error.code !== "bad_frame") fail(frame, `unreadable frame answered ${error.code}, not bad_frame`);
    });
    expect(failures).toEqual([]);
    expect(answered).toBe(PRE_AUTH_FRAMES);
  });

  it(`answers ${AUTH_REQUESTS} fuzzed requests in an admin session with one res each, with a known code, and keeps the session`, async () => {
    const admin = await pairDevice(h, { role: "admin" });
    const requests = fc.sample(authRequest, { numRuns: AUTH_REQUESTS, seed: 7 });
    const codes = new Set<string>(ERROR_CODES.filter((c) => c !== "internal"));
    for (let start = 0; start < requests.length; start += 250) {
      const batch = requests.slice(start, start + 250);
      const first = admin.client.frames.length;
      batch.forEach((r, i) => admin.client.sendRaw(JSON.stringify({ type: "req", id: `f${start + i}`, method: r.method, params: r.params })));
      await withTimeout(
        eventually(
          () => admin.client.frames.slice(first).filter((f) => f.type === "res").length >= batch.length || admin.client.ws.readyState !== admin.client.ws.OPEN,
          "answers",
          ANSWER_MS * 4,
        ),
        ANSWER_MS * 4,
        "batch",
      );
      const replies = admin.client.frames.slice(first).filter((f): f is ResFrame => f.type === "res");
      expect(admin.client.ws.readyState).toBe(admin.client.ws.OPEN);
      expect(replies.map((r) => r.id).sort()).toEqual(batch.map((_, i) => `f${start + i}`).sort());
      for (const r of replies) if (!r.ok && !codes.has(r.error.code)) fail(JSON.stringify(requests[Number(r.id.slice(1))]), `res with code ${r.error.code}`);
    }
    expect(failures).toEqual([]);
    expect((await admin.client.call("gateway.status")).ok).toBe(true);
    admin.client.close();
  });

  it(`closes an authenticated session with bad_frame 4400 for each of ${AUTH_GARBAGE} frames that are not a request`, async () => {
    const garbage = fc.sample(authGarbage, { numRuns: AUTH_GARBAGE, seed: 99 });
    const key: TestKey = makeTestKey();
    const first = await requestPairing(h.url, key);
    await h.gateway.dispatch(CLI, "devices.approve", { code: first.pairing.request.code });
    await first.client.next("welcome");
    first.client.close();
    await pool(garbage, WIDTH / 2, async (frame) => {
      try {
        const c = await withTimeout(connectClient(h.url, key), ANSWER_MS, "connect");
        await c.hello();
        await withTimeout(c.next("welcome"), ANSWER_MS, "welcome");
        send(c.ws, frame);
        const isRequest = frame.kind === "text" && parseClientFrame(frame.text).ok && JSON.parse(frame.text).type === "req";
        if (isRequest) {
          const res = await withTimeout(c.next("res"), ANSWER_MS, "res");
          if (!res.ok && res.error.code === "internal") fail(frame, "internal error");
          c.close();
          return;
        }
        const closed = await withTimeout(c.closed, ANSWER_MS, "close");
        const exchange: Exchange = { frames: c.frames, invalid: [], closeCode: closed.code };
        const why = codedRefusal(exchange);
        const error = c.frames.find((f) => f.type === "error");
        if (why) fail(frame, why);
        else if (error?.type === "error" && error.code !== "bad_frame") fail(frame, `answered ${error.code}, not bad_frame`);
      } catch (err) {
        fail(frame, (err as Error).message);
      }
    });
    expect(failures).toEqual([]);
  });

  it("has logged no internal error, leaks no socket, and still pairs a real browser right after", async () => {
    expect(logLines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    await eventually(() => h.gateway.sockets.open === 0 && h.gateway.sockets.unauthenticated === 0, "every fuzz socket is released");
    const key = makeTestKey();
    const { client, pairing } = await requestPairing(h.url, key);
    await h.gateway.dispatch(CLI, "devices.approve", { code: pairing.request.code });
    expect((await client.next("welcome")).device.id).toBe(key.deviceId);
    expect((await (await fetch(`${h.httpUrl}/healthz`)).json()) as { ok: boolean }).toMatchObject({ ok: true });
  });
});
