// Issue 4 / docs/design.md#pairing: a request lives 10 minutes on the gateway's clock (injected here), stays approvable
// while its browser is away, and on expiry the waiting socket gets pairing_expired 4412.
import { afterEach, describe, expect, it } from "vitest";
import { PAIRING_TTL_MS, type AuditEntry } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { CLI, expectRefusal, manualClock, pairDevice, requestPairing, waitForEvent, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe("pairing expiry on an injected clock", () => {
  it("keeps a request alive until 10 minutes, then the waiting socket gets pairing_expired 4412 and admins pairing.resolved", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now });
    const admin = await pairDevice(h, { role: "admin", hello: { signedAtMs: clock.now() } });
    const { client, pairing } = await requestPairing(h.url, makeTestKey(), { hello: { signedAtMs: clock.now() } });
    expect(pairing.request.expiresAtMs).toBe(clock.now() + PAIRING_TTL_MS);

    clock.advance(PAIRING_TTL_MS - 1);
    expect(await h.gateway.sweep()).toBe(0);
    expect(client.ws.readyState).toBe(client.ws.OPEN);

    clock.advance(1);
    await expect(h.gateway.dispatch(CLI, "devices.approve", { code: pairing.request.code })).rejects.toMatchObject({ code: "not_found" });
    expect(await h.gateway.sweep()).toBe(1);
    await expectRefusal(client, "pairing_expired", 4412);
    expect(await waitForEvent(admin.client, "pairing.resolved", (d) => d.requestId === pairing.request.id)).toEqual({
      requestId: pairing.request.id,
      outcome: "expired",
    });
    const { entries } = (await h.gateway.dispatch(CLI, "audit.list", { limit: 1 })) as { entries: AuditEntry[] };
    expect(entries[0]).toMatchObject({ action: "expired", actor: "gateway", requestId: pairing.request.id });
  });

  it("gives the same key a new request with a new code after expiry", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now });
    const key = makeTestKey();
    const first = await requestPairing(h.url, key, { hello: { signedAtMs: clock.now() } });
    clock.advance(PAIRING_TTL_MS);
    await h.gateway.sweep();
    await expectRefusal(first.client, "pairing_expired", 4412);
    const second = await requestPairing(h.url, key, { hello: { signedAtMs: clock.now() } });
    expect(second.pairing.request.id).not.toBe(first.pairing.request.id);
    expect(second.pairing.request.code).not.toBe(first.pairing.request.code);
    expect(second.pairing.request.expiresAtMs).toBe(clock.now() + PAIRING_TTL_MS);
  });

  it("keeps a request approvable while its browser is away, and welcomes the browser on its next connect", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now });
    const key = makeTestKey();
    const { client, pairing } = await requestPairing(h.url, key, { hello: { signedAtMs: clock.now() } });
    client.close();
    await client.closed;
    clock.advance(PAIRING_TTL_MS - 60_000);
    await h.gateway.dispatch(CLI, "devices.approve", { code: pairing.request.code });
    const back = await connectClient(h.url, key);
    await back.hello({ signedAtMs: clock.now() });
    expect((await back.next("welcome")).device.id).toBe(key.deviceId);
  });

  it("expires a request whose browser is away without touching anything else", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now });
    const away = await requestPairing(h.url, makeTestKey(), { hello: { signedAtMs: clock.now() } });
    away.client.close();
    await away.client.closed;
    clock.advance(5 * 60_000);
    const later = await requestPairing(h.url, makeTestKey(), { hello: { signedAtMs: clock.now() } });
    clock.advance(5 * 60_000);
    expect(await h.gateway.sweep()).toBe(1);
    expect(later.client.ws.readyState).toBe(later.client.ws.OPEN);
    await expect(h.gateway.dispatch(CLI, "devices.approve", { code: away.pairing.request.code })).rejects.toMatchObject({ code: "not_found" });
    await h.gateway.dispatch(CLI, "devices.approve", { code: later.pairing.request.code });
    expect((await later.client.next("welcome")).device.id).toBe(later.key.deviceId);
  });
});
