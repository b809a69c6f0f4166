// Expiry while the gateway is stopped, through a real restart: a real `pairgate start` process, the real CLI and
// real SQLite. A guest approved with `--expires` whose end time passes while no gateway runs is revoked at the next
// start (before any socket is taken) and its browser is refused with device_revoked and reason expired.
// Real time has to pass here (a few seconds), since the point is a process that was not running to see it.
import { afterEach, describe, expect, it } from "vitest";
import type { AuditEntry, DeviceView, ErrorFrame } from "../../shared/index.js";
import { runCli, spawnGateway, tempStateDir, type SpawnedGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { runCliAsync } from "../support/cli.js";
import { expectRefusal, requestPairing } from "../support/sessions.js";

let gw: SpawnedGateway | null = null;
afterEach(async () => {
  await gw?.stop();
  gw = null;
});

describe("expiry while the gateway is stopped", () => {
  it("revokes a guest whose end time passed while stopped at the next start, and refuses its browser as expired", async () => {
    const stateDir = tempStateDir();
    gw = await spawnGateway([], { stateDir });
    const key = makeTestKey();
    const { client, pairing } = await requestPairing(`ws://127.0.0.1:${gw.port}/ws`, key);
    const approved = await runCliAsync(["devices", "approve", pairing.request.code, "--expires", "12s", "--json"], stateDir);
    expect(approved.status, approved.stderr).toBe(0);
    const device = approved.json<{ device: DeviceView }>().device;
    expect(device.expiresAtMs).not.toBeNull();
    await client.next("welcome");
    client.close();
    await gw.stop();
    gw = null;

    // The premise: the gateway was stopped before the end time, so no sweep of that process could have expired it.
    const endAtMs = device.expiresAtMs!;
    expect(Date.now(), "the gateway took too long to stop; the test could not stop it before the end time").toBeLessThan(endAtMs);
    await new Promise((resolve) => setTimeout(resolve, endAtMs - Date.now() + 100));

    gw = await spawnGateway([], { stateDir });
    // Revoked by the start-up sweep, before any browser connected.
    const list = await runCliAsync(["devices", "list", "--all", "--json"], stateDir);
    expect(list.json<{ devices: DeviceView[] }>().devices.find((d) => d.id === device.id)).toMatchObject({ revokedBy: "gateway", revokedReason: "expired" });
    const again = await connectClient(`ws://127.0.0.1:${gw.port}/ws`, key);
    await again.hello();
    const { error } = await expectRefusal(again, "device_revoked", 4410);
    expect((error as ErrorFrame).revoked).toMatchObject({ byName: "gateway", reason: "expired" });

    const audit = await runCliAsync(["audit", "--json"], stateDir);
    const entry = audit.json<{ entries: AuditEntry[] }>().entries.find((e) => e.action === "revoked" && e.deviceId === device.id);
    expect(entry).toMatchObject({ actor: "gateway", detail: { reason: "expired", expiresAtMs: endAtMs } });
    const text = await runCliAsync(["audit"], stateDir);
    expect(text.stdout).toContain(`Removed "Test browser" (${device.fingerprint}): its end time passed (expired)`);
  });

  it("exits 2 naming the flag for a bad lifetime, before anything is sent to a gateway", () => {
    const stateDir = tempStateDir();
    for (const value of ["0", "-3h", "soon", "3651d"]) {
      const r = runCli(["devices", "approve", "BCDF-GHJK", `--expires=${value}`], { stateDir });
      expect(r.status, value).toBe(2);
      expect(r.stderr).toContain(`--expires "${value}"`);
    }
    const invite = runCli(["invite", "--device-expires", "soon", "--json"], { stateDir });
    expect(invite.status).toBe(2);
    expect(JSON.parse(invite.stdout)).toMatchObject({ error: { code: "invalid_params", message: expect.stringContaining("--device-expires") } });
    const start = runCli(["start", "--port", "0", "--idle-expiry", "5m", "--state-dir", stateDir]);
    expect(start.status).toBe(2);
    expect(start.stderr).toContain("--idle-expiry");
  });
});
