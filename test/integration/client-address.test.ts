// Issue 5 / docs/design.md#http-and-trust, docs/design.md#details: the client address is the socket peer, unless the
// peer is a --trusted-proxy; then the right-most untrusted X-Forwarded-For hop. X-Real-IP and Forwarded are never read.
// The address is shown and rate-limited on, and never trusted. Loopback aliases (127.0.0.2) give the tests a second
// peer address.
import { afterEach, describe, expect, it } from "vitest";
import type { GatewayStatus, SeenFrom } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { expectRefusal, pairDevice, requestPairing, type Harness } from "../support/sessions.js";
import { connectClient } from "../support/ws-client.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const roomy = { pendingPerAddress: 100, pendingTotal: 1000, newRequestsPerMinute: 1000 };

async function seenFrom(url: string, opts: { localAddress?: string; headers?: Record<string, string> } = {}): Promise<SeenFrom> {
  const { client, pairing } = await requestPairing(url, makeTestKey(), { connect: opts });
  client.close();
  return pairing.request.seenFrom;
}

describe("client address without a trusted proxy", () => {
  it("ignores X-Forwarded-For: 127.0.0.1, X-Real-IP and Forwarded from a peer at 127.0.0.2", async () => {
    h = await startGateway({ settings: roomy });
    const headers = { "X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1", Forwarded: "for=127.0.0.1" };
    expect(await seenFrom(h.url, { localAddress: "127.0.0.2", headers })).toEqual({ address: "127.0.0.2", networkClass: "loopback" });
    expect(await seenFrom(h.url, { headers: { "X-Forwarded-For": "203.0.113.7" } })).toEqual({ address: "127.0.0.1", networkClass: "loopback" });
  });

  it("counts limits against the real peer, so a spoofed X-Forwarded-For can't dodge the pending cap", async () => {
    h = await startGateway({ settings: { ...roomy, pendingPerAddress: 1 } });
    await requestPairing(h.url, makeTestKey(), { connect: { headers: { "X-Forwarded-For": "198.51.100.1" } } });
    const c = await connectClient(h.url, makeTestKey(), { headers: { "X-Forwarded-For": "198.51.100.2" } });
    await c.hello();
    await expectRefusal(c, "pending_limit", 4429);
  });
});

describe("client address behind trusted proxies", () => {
  it("ignores X-Forwarded-For from a peer that is not in --trusted-proxy", async () => {
    h = await startGateway({ settings: { ...roomy, trustedProxies: ["127.0.0.1/32"] } });
    expect(await seenFrom(h.url, { localAddress: "127.0.0.2", headers: { "X-Forwarded-For": "203.0.113.7" } })).toEqual({
      address: "127.0.0.2",
      networkClass: "loopback",
    });
  });

  it("takes the right-most untrusted hop, skipping every trusted proxy in the chain, IPv4 and IPv6 ranges alike", async () => {
    h = await startGateway({ settings: { ...roomy, trustedProxies: ["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"] } });
    const cases: Array<[string, SeenFrom]> = [
      ["203.0.113.7", { address: "203.0.113.7", networkClass: "public" }],
      ["198.51.100.1, 203.0.113.7", { address: "203.0.113.7", networkClass: "public" }],
      ["198.51.100.9, 100.64.1.2, 10.9.9.9, fd00::5", { address: "100.64.1.2", networkClass: "cgnat" }],
      ["192.168.1.5, 10.0.0.2", { address: "192.168.1.5", networkClass: "private" }],
      ["2001:db8::1, [fd00::7]", { address: "2001:db8::1", networkClass: "public" }],
      ["::ffff:192.168.1.9", { address: "192.168.1.9", networkClass: "private" }],
      ["10.0.0.1, 10.0.0.2", { address: "10.0.0.1", networkClass: "private" }], // every hop trusted: the client is the first
    ];
    for (const [xff, expected] of cases) {
      expect([xff, await seenFrom(h.url, { headers: { "X-Forwarded-For": xff } })]).toEqual([xff, expected]);
    }
  });

  it("falls back to the peer when the chain holds something that is not an IP address", async () => {
    h = await startGateway({ settings: { ...roomy, trustedProxies: ["127.0.0.0/8"] } });
    for (const xff of ["198.51.100.1, not-an-ip", "203.0.113.7:4711", "unknown", "203.0.113.7, , "]) {
      const seen = await seenFrom(h.url, { headers: { "X-Forwarded-For": xff } });
      expect([xff, seen.address]).toEqual([xff, xff === "203.0.113.7, , " ? "203.0.113.7" : "127.0.0.1"]);
    }
  });

  it("uses the forwarded address for limits and for gateway.status, and still grants nothing for it", async () => {
    h = await startGateway({ settings: { ...roomy, pendingPerAddress: 1, trustedProxies: ["127.0.0.1"] } });
    const xff = (a: string) => ({ connect: { headers: { "X-Forwarded-For": a } } });
    await requestPairing(h.url, makeTestKey(), xff("203.0.113.1"));
    await requestPairing(h.url, makeTestKey(), xff("203.0.113.2")); // another client behind the same proxy
    const third = await connectClient(h.url, makeTestKey(), { headers: { "X-Forwarded-For": "203.0.113.1" } });
    await third.hello();
    await expectRefusal(third, "pending_limit", 4429);
    // A "loopback" forwarded address is displayed as such and gets no approval, no role, nothing.
    const { pairing, client } = await requestPairing(h.url, makeTestKey(), xff("127.0.0.9"));
    expect(pairing.request.seenFrom).toEqual({ address: "127.0.0.9", networkClass: "loopback" });
    expect(client.frames.map((f) => f.type)).toEqual(["challenge", "pairing"]);
    const device = await pairDevice(h, { role: "viewer", connect: { headers: { "X-Forwarded-For": "198.51.100.77" } } });
    const status = await device.client.call<GatewayStatus>("gateway.status");
    expect(status.ok && status.result.seenFrom).toEqual({ address: "198.51.100.77", networkClass: "public" });
  });

  it("reads X-Forwarded-For behind an IPv6 proxy on ::1", async () => {
    h = await startGateway({ settings: { ...roomy, host: "::1", trustedProxies: ["::1/128"] } });
    const url = `ws://[::1]:${h.port}/ws`;
    expect(await seenFrom(url, { headers: { "X-Forwarded-For": "2001:db8::42" } })).toEqual({ address: "2001:db8::42", networkClass: "public" });
    expect(await seenFrom(url)).toEqual({ address: "::1", networkClass: "loopback" });
  });
});
