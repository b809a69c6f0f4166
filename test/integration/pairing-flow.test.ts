import { afterEach, describe, expect, it } from "vitest";
import { PAIRGATE_BIN, startGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";

type Harness = Awaited<ReturnType<typeof startGateway>>;
let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const cli = { kind: "cli" } as const;

describe("pairing over a real socket", () => {
  it("keeps a new key waiting with a code, then pushes welcome on the same socket when the CLI approves", async () => {
    h = await startGateway();
    const key = makeTestKey();
    const c = await connectClient(h.url, key);
    await c.hello();
    const pairing = await c.next("pairing");
    expect(pairing.request.code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(pairing.request.fingerprint).toBe(key.fingerprint);
    expect(pairing.request.seenFrom).toEqual({ address: "127.0.0.1", networkClass: "loopback" });
    // This install's CLI, with the state dir it needs, never `npx pairgate` (test/integration/cli-start-and-approve-command.test.ts runs it).
    expect(pairing.approveCommand).toBe(`node ${PAIRGATE_BIN} devices approve ${pairing.request.code} --state-dir ${h.stateDir}`);

    const device = (await h.gateway.dispatch(cli, "devices.approve", { code: pairing.request.code.toLowerCase() })) as { role: string };
    expect(device.role).toBe("viewer"); // admin is always an explicit choice
    const welcome = await c.next("welcome");
    expect(welcome.device.id).toBe(key.deviceId);
    expect(welcome.device.current).toBe(true);
    expect(welcome.device.approvedVia).toBe("cli");
    c.close();

    const again = await connectClient(h.url, key);
    await again.hello();
    expect((await again.next("welcome")).device.online).toBe(1);
    again.close();
  });

  it("gives the same request id and code on ten reconnects while pending", async () => {
    h = await startGateway();
    const key = makeTestKey();
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const c = await connectClient(h.url, key);
      await c.hello();
      const p = await c.next("pairing");
      seen.add(`${p.request.id}/${p.request.code}`);
      c.close();
      await c.closed;
    }
    expect(seen.size).toBe(1);
  });

  it("closes every socket of a revoked device with device_revoked 4410 and refuses the key afterwards", async () => {
    h = await startGateway();
    const key = makeTestKey();
    const first = await connectClient(h.url, key);
    await first.hello();
    const { request } = await first.next("pairing");
    await h.gateway.dispatch(cli, "devices.approve", { code: request.code });
    await first.next("welcome");
    const second = await connectClient(h.url, key);
    await second.hello();
    await second.next("welcome");

    const result = (await h.gateway.dispatch(cli, "devices.revoke", { deviceId: key.deviceId })) as { closedConnections: number };
    expect(result.closedConnections).toBe(2);
    for (const c of [first, second]) {
      const err = await c.next("error");
      expect(err.code).toBe("device_revoked");
      expect(err.revoked?.byName).toBe("cli");
      expect((await c.closed).code).toBe(4410);
    }
    const after = await connectClient(h.url, key);
    await after.hello();
    expect((await after.next("error")).code).toBe("device_revoked");
    expect((await after.closed).code).toBe(4410);
  });
});
