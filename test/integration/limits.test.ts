// Issue 5 / docs/design.md#http-and-trust, docs/design.md#details: every abuse limit answers with its code and a retry
// hint, never a crash, never a permanent ban. Before the upgrade: HTTP 429 with Retry-After. After it: error frames and
// close 4429/4408/4400.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HANDSHAKE_TIMEOUT_MS, MAX_FRAME_BYTES, type DevicesListResult, type ServerFrame } from "../../shared/index.js";
import { START_OPTIONS } from "../../server/src/config/options.js";
import { DEFAULT_LIMITS } from "../../server/src/gateway/limits.js";
import { REPO_ROOT, startGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient, type TestClient } from "../support/ws-client.js";
import { rawRequest, upgradeLines } from "../support/raw-http.js";
import { signedHello } from "../support/hello.js";
import { CLI, eventually, expectRefusal, manualClock, pairDevice, requestPairing, waitForEvent, type Harness } from "../support/sessions.js";
import { manualTimers } from "../support/timers.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const challenged = (url: string, localAddress?: string) => connectClient(url, makeTestKey(), localAddress ? { localAddress } : {});
const upgradeFrom = (port: number, localAddress?: string) => rawRequest(port, upgradeLines(port), localAddress ? { localAddress } : {});

async function expect429(port: number, retryAfterSeconds: number, localAddress?: string) {
  const res = await upgradeFrom(port, localAddress);
  expect(res.status).toBe(429);
  expect(res.headers["retry-after"]).toBe(String(retryAfterSeconds));
  expect(res.body).toMatch(/^pairgate: [^\n]+\n$/);
  return res;
}

/** A hello that fails verification (wrong nonce), counted as a failed handshake from this address. */
async function failHandshake(url: string, localAddress?: string) {
  const key = makeTestKey();
  const c = await connectClient(url, key, localAddress ? { localAddress } : {});
  const challenge = await c.next("challenge");
  c.sendRaw(JSON.stringify(signedHello(key, challenge, { nonce: "A".repeat(43) })));
  await expectRefusal(c, "auth_failed", 4401);
}

describe("unauthenticated sockets", () => {
  it("caps them per address: the next upgrade gets 429 with Retry-After, other addresses are unaffected, a closed one frees its slot", async () => {
    h = await startGateway({ settings: { unauthPerAddress: 3 } });
    const open: TestClient[] = [];
    for (let i = 0; i < 3; i++) open.push(await challenged(h.url));
    await expect429(h.port, 1);
    const other = await challenged(h.url, "127.0.0.2");
    expect((await other.next("challenge")).type).toBe("challenge");
    open[0]!.close();
    await eventually(() => h!.gateway.sockets.unauthenticated === 3, "the closed socket's slot is free");
    expect((await upgradeFrom(h.port)).status).toBe(101);
  });

  it("caps them in total across addresses", async () => {
    h = await startGateway({ settings: { unauthPerAddress: 10, unauthTotal: 4 } });
    for (const a of ["127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2"]) await challenged(h.url, a);
    await expect429(h.port, 1, "127.0.0.3");
    expect(h.gateway.sockets.unauthenticated).toBe(4);
  });

  it("moves waiting sockets to their own pool, at most 2 per request: a third closes the oldest with superseded 4414 (issue 11 B)", async () => {
    h = await startGateway({ settings: { unauthPerAddress: 3 } });
    const key = makeTestKey();
    const tabs: TestClient[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await connectClient(h.url, key);
      await c.hello();
      await c.next("pairing");
      tabs.push(c);
    }
    for (const old of tabs.slice(0, 3)) await expectRefusal(old, "superseded", 4414);
    expect(h.gateway.waitingSockets).toBe(2);
    expect(h.gateway.sockets.unauthenticated).toBe(0);
    // 3 challenged sockets fill this address's unauthenticated slots; a 4th is refused, as before...
    const held = [await challenged(h.url), await challenged(h.url), await challenged(h.url)];
    for (const c of held) await c.next("challenge");
    await expect429(h.port, 1);
    for (const c of held) c.close();
    // ...but waiting tabs never hold those slots, so a paired device from the same address still gets in.
    await eventually(() => h!.gateway.sockets.unauthenticated === 0, "the challenged sockets are gone");
    const admin = await pairDevice(h, { role: "admin" });
    expect((await admin.client.call("gateway.status")).ok).toBe(true);
    const { request } = tabs[4]!.frames.find((f) => f.type === "pairing") as Extract<ServerFrame, { type: "pairing" }>;
    await h.gateway.dispatch(CLI, "devices.approve", { code: request.code });
    for (const t of tabs.slice(3)) await t.next("welcome");
    expect(h.gateway.waitingSockets).toBe(0);
  });

  it("lets 33 waiting tabs of one key on one address leave room for everyone else (the issue's lock-out)", async () => {
    h = await startGateway(); // defaults: 32 unauthenticated per address
    const key = makeTestKey();
    const tabs: TestClient[] = [];
    for (let i = 0; i < 33; i++) {
      const c = await connectClient(h.url, key);
      await c.hello();
      await c.next("pairing");
      tabs.push(c);
    }
    expect(h.gateway.waitingSockets).toBe(2);
    expect(h.gateway.sockets.unauthenticated).toBe(0);
    const admin = await pairDevice(h, { role: "admin" });
    expect(admin.welcome.role).toBe("admin");
  });

  it("frees the slot of an upgrade that ws aborts or the peer resets, so malformed upgrades can't lock an address out", async () => {
    h = await startGateway({ settings: { unauthPerAddress: 2 } });
    const broken = [["Sec-WebSocket-Version: 99"], ["Sec-WebSocket-Key: short"], ["Sec-WebSocket-Protocol: ,,,"]];
    for (let i = 0; i < 10; i++) {
      const lines = upgradeLines(h.port).filter((l) => !broken[i % 3]![0]!.startsWith(l.split(":")[0]!));
      const res = await rawRequest(h.port, [...lines, ...broken[i % 3]!]);
      expect(res.status).toBe(400);
    }
    await eventually(() => h!.gateway.sockets.unauthenticated === 0, "aborted upgrades release their slots");
    const first = await challenged(h.url);
    const second = await challenged(h.url);
    await first.next("challenge");
    await second.next("challenge");
    expect(h.gateway.sockets.unauthenticated).toBe(2);
  });
});

describe("handshake deadline", () => {
  it("closes a socket with no valid hello after 10 s with handshake_timeout 4408, but never a waiting or paired one", async () => {
    const t = manualTimers();
    h = await startGateway({ timers: t.timers });
    const silent = await challenged(h.url);
    await silent.next("challenge");
    const waiting = await requestPairing(h.url);
    const paired = await pairDevice(h, { role: "viewer" });
    expect(t.pending(HANDSHAKE_TIMEOUT_MS)).toBe(1); // the other two cancelled theirs
    expect(t.fire(HANDSHAKE_TIMEOUT_MS)).toBe(1);
    await expectRefusal(silent, "handshake_timeout", 4408);
    expect((await paired.client.call("gateway.status")).ok).toBe(true);
    expect(waiting.client.ws.readyState).toBe(waiting.client.ws.OPEN);
  });
});

describe("frame size", () => {
  it("closes a frame over 64 KiB with bad_frame 4400, never the library's 1009, before and after authentication", async () => {
    h = await startGateway();
    const before = await challenged(h.url);
    await before.next("challenge");
    before.sendRaw("x".repeat(MAX_FRAME_BYTES + 1));
    await expectRefusal(before, "bad_frame", 4400);

    const { client } = await pairDevice(h, { role: "admin" });
    const head = JSON.stringify({ type: "req", id: "big", method: "gateway.status", params: { pad: "" } });
    const exact = head.replace('"pad":""', `"pad":"${"p".repeat(MAX_FRAME_BYTES - head.length)}"`);
    expect(Buffer.byteLength(exact)).toBe(MAX_FRAME_BYTES);
    client.sendRaw(exact);
    expect((await client.next("res")).id).toBe("big"); // exactly 64 KiB is still a frame
    client.sendRaw(exact.replace('"pad":"', '"pad":"p'));
    await expectRefusal(client, "bad_frame", 4400);
  });
});

describe("requests per connection", () => {
  it("allows the burst, then closes with rate_limited 4429 and retryAfterMs; tokens refill with time", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now, settings: { requestsPerSecond: 2, requestBurst: 3 } });
    const { client } = await pairDevice(h, { role: "admin", hello: { signedAtMs: clock.now() } });
    for (let i = 0; i < 3; i++) expect((await client.call("gateway.status")).ok).toBe(true);
    clock.advance(500); // one token back at 2/s
    expect((await client.call("gateway.status")).ok).toBe(true);
    client.sendRaw(JSON.stringify({ type: "req", id: "over", method: "gateway.status", params: {} }));
    const { error } = await expectRefusal(client, "rate_limited", 4429);
    expect(error.retryAfterMs).toBe(1000);
  });
});

describe("pending requests", () => {
  it("caps pending requests per address and in total with pending_limit 4429 and retryAfterMs", async () => {
    h = await startGateway({ settings: { pendingPerAddress: 2, pendingTotal: 3 } });
    const first = await requestPairing(h.url);
    await requestPairing(h.url);
    const again = await requestPairing(h.url, first.key); // a reconnect of a waiting key is the same request
    expect(again.pairing.request.id).toBe(first.pairing.request.id);
    for (const [address, why] of [
      ["127.0.0.1", "per address"],
      ["127.0.0.3", "in total"],
    ] as const) {
      if (why === "in total") await requestPairing(h.url, makeTestKey(), { connect: { localAddress: "127.0.0.2" } });
      const c = await connectClient(h.url, makeTestKey(), { localAddress: address });
      await c.hello();
      const { error } = await expectRefusal(c, "pending_limit", 4429);
      expect(error.retryAfterMs).toBeGreaterThan(0);
    }
  });

  it("expires the oldest request whose tab closed to make room, never one with a waiting tab (issue 11 item 4)", async () => {
    h = await startGateway({ settings: { pendingPerAddress: 3, pendingTotal: 20 } });
    const admin = await pairDevice(h, { role: "admin" });
    const [a, b, c] = [await requestPairing(h.url), await requestPairing(h.url), await requestPairing(h.url)];
    a.client.close(); // closed tabs behind one NAT address used to hold all three slots for 10 minutes
    b.client.close();
    await eventually(() => h!.gateway.waitingSockets === 1, "two tabs closed");
    const from = admin.client.frames.length;
    const d = await requestPairing(h.url);
    expect(d.pairing.request.id).not.toBe(a.pairing.request.id);
    expect(await waitForEvent(admin.client, "pairing.resolved", (e) => e.requestId === a.pairing.request.id, { from })).toMatchObject({ outcome: "expired" });
    const list = (await h.gateway.dispatch(CLI, "devices.list", {})) as DevicesListResult;
    expect(list.pending.map((p) => p.id).sort()).toEqual([b, c, d].map((x) => x.pairing.request.id).sort());
    // b (closed) goes next; c and d have tabs and stay.
    await requestPairing(h.url);
    const after = (await h.gateway.dispatch(CLI, "devices.list", {})) as DevicesListResult;
    expect(after.pending.map((p) => p.id)).not.toContain(b.pairing.request.id);
    expect(after.pending.map((p) => p.id)).toEqual(expect.arrayContaining([c.pairing.request.id, d.pairing.request.id]));
    const refused = await connectClient(h.url, makeTestKey());
    await refused.hello();
    await expectRefusal(refused, "pending_limit", 4429); // all three have tabs now
  });

  it("keys the per-address limits of an IPv6 client by its /64 (issue 11 item 4)", async () => {
    h = await startGateway({ settings: { pendingPerAddress: 2, trustedProxies: ["127.0.0.1"] } });
    const from = (ip: string) => ({ connect: { headers: { "X-Forwarded-For": ip } } });
    await requestPairing(h.url, makeTestKey(), from("2001:db8:5:6::1"));
    await requestPairing(h.url, makeTestKey(), from("2001:db8:5:6:abcd::2"));
    const c = await connectClient(h.url, makeTestKey(), { headers: { "X-Forwarded-For": "2001:db8:5:6:ffff::3" } });
    await c.hello();
    await expectRefusal(c, "pending_limit", 4429);
    await requestPairing(h.url, makeTestKey(), from("2001:db8:5:7::1")); // the next /64 is another client
  });

  it("keeps the totals whatever address a trusted proxy claims for each client (issue 11 item 5)", async () => {
    h = await startGateway({ settings: { trustedProxies: ["127.0.0.1"], unauthTotal: 4, pendingTotal: 3 } });
    const from = (i: number) => ({ headers: { "X-Forwarded-For": `198.51.100.${i}` } });
    const held = [];
    for (let i = 1; i <= 4; i++) held.push(await connectClient(h.url, makeTestKey(), from(i)));
    for (const c of held) await c.next("challenge");
    const res = await rawRequest(h.port, upgradeLines(h.port, ["X-Forwarded-For: 198.51.100.99"]));
    expect([res.status, res.headers["retry-after"]]).toEqual([429, "1"]);
    for (const c of held) c.close();
    await eventually(() => h!.gateway.sockets.unauthenticated === 0, "slots free");
    for (let i = 10; i < 13; i++) await requestPairing(h.url, makeTestKey(), { connect: from(i) });
    const over = await connectClient(h.url, makeTestKey(), from(50));
    await over.hello();
    await expectRefusal(over, "pending_limit", 4429);
  });

  it("limits new requests per address per minute with rate_limited 4429 and the wait until the window resets", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now, settings: { newRequestsPerMinute: 2, pendingPerAddress: 10 } });
    const hello = { hello: { signedAtMs: clock.now() } };
    const first = await requestPairing(h.url, makeTestKey(), hello);
    clock.advance(15_000);
    await requestPairing(h.url, makeTestKey(), { hello: { signedAtMs: clock.now() } });
    await requestPairing(h.url, first.key, { hello: { signedAtMs: clock.now() } }); // reconnects don't count
    const over = await connectClient(h.url, makeTestKey());
    await over.hello({ signedAtMs: clock.now() });
    const { error } = await expectRefusal(over, "rate_limited", 4429);
    expect(error.retryAfterMs).toBe(45_000);
    const elsewhere = await requestPairing(h.url, makeTestKey(), { connect: { localAddress: "127.0.0.2" }, hello: { signedAtMs: clock.now() } });
    expect(elsewhere.pairing.request.seenFrom.address).toBe("127.0.0.2");
    clock.advance(45_000);
    await requestPairing(h.url, makeTestKey(), { hello: { signedAtMs: clock.now() } });
  });
});

describe("failed handshakes", () => {
  it("keep backing off when a key with a pending request says hello again: only a welcome resets (issue 11 D)", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now, settings: { failuresBeforeBackoff: 2, maxBackoffMs: 60_000 } });
    const waiting = await requestPairing(h.url, makeTestKey(), { hello: { signedAtMs: clock.now() } });
    waiting.client.close();
    const failInvite = async () => {
      const c = await connectClient(h!.url, makeTestKey());
      await c.hello({ signedAtMs: clock.now(), invite: "A".repeat(43) });
      await expectRefusal(c, "invite_invalid", 4413);
    };
    await failInvite();
    await failInvite();
    await expect429(h.port, 1);
    clock.advance(1000);
    // The pending key's hello used to reset the count, so invites could be tried at full speed between two of them.
    await requestPairing(h.url, waiting.key, { hello: { signedAtMs: clock.now() } });
    await failInvite();
    await expect429(h.port, 2);
  });

  it("back off per address, doubling up to the cap, and reset after a success or 10 quiet minutes; never permanent", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now, settings: { failuresBeforeBackoff: 2, maxBackoffMs: 4000 } });
    const fail = () => failHandshake(h!.url);
    await fail();
    expect((await upgradeFrom(h.port)).status).toBe(101); // one failure: no wait yet
    await fail();
    await expect429(h.port, 1);
    expect((await upgradeFrom(h.port, "127.0.0.2")).status).toBe(101); // per address
    clock.advance(1000);
    await fail();
    await expect429(h.port, 2);
    clock.advance(2000);
    await fail();
    await expect429(h.port, 4);
    clock.advance(4000);
    await fail();
    await expect429(h.port, 4); // capped at maxBackoffMs
    clock.advance(4000);
    await pairDevice(h, { role: "viewer", hello: { signedAtMs: clock.now() } }); // a success resets the count
    await fail();
    expect((await upgradeFrom(h.port)).status).toBe(101);
    await fail();
    await expect429(h.port, 1);
    clock.advance(10 * 60_000 + 1); // ten quiet minutes forget the address
    await fail();
    expect((await upgradeFrom(h.port)).status).toBe(101);
  });
});

describe("documented defaults", () => {
  it("lists every limit with its flag and default in docs/security.md", () => {
    const doc = readFileSync(join(REPO_ROOT, "docs/security.md"), "utf8");
    for (const [key, value] of Object.entries(DEFAULT_LIMITS)) {
      const row = doc.split("\n").find((l) => l.startsWith("|") && l.includes(`\`${key}\``));
      expect(row, `docs/security.md has a row for ${key}`).toBeDefined();
      expect(row).toContain(`| ${value} |`);
      expect(row).toContain(`\`--${START_OPTIONS.find((o) => o.key === key)!.flag}\``);
    }
  });
});
