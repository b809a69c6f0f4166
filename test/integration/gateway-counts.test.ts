// gateway.counts: every paired session, a viewer included, learns the gateway's counts when they change, so the
// home page's "2 paired devices, 1 online, 0 pending" is live without polling. Real sockets, real timers.
import { afterEach, describe, expect, it } from "vitest";
import type { GatewayCounts } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { CLI, eventsOf, pairDevice, requestPairing, waitForEvent, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const same = (want: GatewayCounts) => (data: { counts: GatewayCounts }) =>
  data.counts.devices === want.devices && data.counts.pending === want.pending && data.counts.online === want.online;

describe("gateway.counts", () => {
  it("reaches a viewer when a browser asks to pair, is approved and goes away, and never repeats unchanged counts", async () => {
    h = await startGateway();
    const viewer = await pairDevice(h, { role: "viewer" });
    await waitForEvent(viewer.client, "gateway.counts", same({ devices: 1, pending: 0, online: 1 }));

    const waiting = await requestPairing(h.url);
    await waitForEvent(viewer.client, "gateway.counts", same({ devices: 1, pending: 1, online: 1 }));

    await h.gateway.dispatch(CLI, "devices.approve", { code: waiting.pairing.request.code, role: "viewer" });
    const { device } = await waiting.client.next("welcome");
    await waitForEvent(viewer.client, "gateway.counts", same({ devices: 2, pending: 0, online: 2 }));

    waiting.client.close();
    await waitForEvent(viewer.client, "gateway.counts", same({ devices: 2, pending: 0, online: 1 }));

    await h.gateway.dispatch(CLI, "devices.revoke", { deviceId: device.id });
    await waitForEvent(viewer.client, "gateway.counts", same({ devices: 1, pending: 0, online: 1 }));

    const sent = eventsOf(viewer.client, "gateway.counts").map((d) => JSON.stringify((d as { counts: GatewayCounts }).counts));
    for (let i = 1; i < sent.length; i++) expect(sent[i]).not.toBe(sent[i - 1]);
  });
});
