// Issue 4 / docs/design.md#pairing: "Two approvals of the same code: exactly one wins." Real server, real `ws` admin
// sessions sending their approvals in the same tick; the loser gets not_found and the waiting tab exactly one welcome.
import { afterEach, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { CLI, pairDevice, requestPairing, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const ROUNDS = 20;

describe("concurrent approval", () => {
  it(`lets exactly one of two admins approving the same code at the same time win, the other gets not_found (${ROUNDS} rounds)`, async () => {
    h = await startGateway({ settings: { newRequestsPerMinute: 1000 } }); // 20 requests from one address in a few ms
    const a = await pairDevice(h, { role: "admin", name: "Alice" });
    const b = await pairDevice(h, { role: "admin", name: "Bob" });
    for (let round = 0; round < ROUNDS; round++) {
      const { client, pairing, key } = await requestPairing(h.url);
      // Alternate who sends first, and give them different roles, so the winner is visible in the result.
      const [first, second] = round % 2 ? [a, b] : [b, a];
      const results = await Promise.all([
        first.client.call("devices.approve", { code: pairing.request.code, role: "admin" }),
        second.client.call("devices.approve", { code: pairing.request.code, role: "viewer" }),
      ]);
      const winners = results.filter((r) => r.ok);
      const losers = results.filter((r) => !r.ok);
      expect(winners).toHaveLength(1);
      expect(losers).toEqual([{ type: "res", id: expect.any(String), ok: false, error: { code: "not_found", message: expect.any(String) } }]);
      const welcome = await client.next("welcome");
      expect(welcome.device.id).toBe(key.deviceId);
      expect(welcome.role).toBe((winners[0] as { result: { role: string } }).result.role);
      expect((await client.call("gateway.status")).ok).toBe(true); // the tab is usable, and no second welcome came
      expect(client.frames.filter((f) => f.type === "welcome")).toHaveLength(1);
      client.close();
    }
    const { entries } = (await h.gateway.dispatch(CLI, "audit.list", { limit: 1000 })) as { entries: AuditEntry[] };
    expect(entries.filter((e) => e.action === "approved" && (e.actor === "Alice" || e.actor === "Bob"))).toHaveLength(ROUNDS);
  });

  it("lets exactly one of the CLI and a dashboard admin win when both approve in the same tick", async () => {
    h = await startGateway();
    const admin = await pairDevice(h, { role: "admin" });
    const { client, pairing } = await requestPairing(h.url);
    const [viaCli, viaDashboard] = await Promise.allSettled([
      h.gateway.dispatch(CLI, "devices.approve", { code: pairing.request.code }),
      admin.client.call("devices.approve", { code: pairing.request.code }),
    ]);
    const cliWon = viaCli.status === "fulfilled";
    const dashboardWon = viaDashboard.status === "fulfilled" && viaDashboard.value.ok;
    expect(Number(cliWon) + Number(dashboardWon)).toBe(1);
    if (!cliWon) expect(viaCli.status === "rejected" && (viaCli.reason as { code: string }).code).toBe("not_found");
    else expect(viaDashboard.status === "fulfilled" && !viaDashboard.value.ok && viaDashboard.value.error.code).toBe("not_found");
    expect((await client.next("welcome")).device.approvedVia).toBe(cliWon ? "cli" : "dashboard");
  });
});
