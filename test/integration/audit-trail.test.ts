// Issue 4 / docs/design.md#pairing: every lifecycle step lands in the append-only audit log, in order, with who did it
// and how (cli, dashboard, invite, gateway), and `pairgate audit --json` shows exactly what audit.list returns.
import Database from "better-sqlite3";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AuditEntry, InviteCreated } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { runCliAsync } from "../support/cli.js";
import { signedHello } from "../support/hello.js";
import { rawRequest, upgradeLines } from "../support/raw-http.js";
import { expectRefusal, manualClock, pairDevice, requestPairing, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe("audit trail", () => {
  it("records every lifecycle step in order with actor and via, identically in audit.list and pairgate audit --json", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now, settings: { newRequestsPerMinute: 100 } });
    const at = () => ({ hello: { signedAtMs: clock.now() } });
    const cli = (...args: string[]) => runCliAsync(args, h!.stateDir);

    // 1. A browser asks; the CLI approves it as admin ("Ada").
    const ada = await requestPairing(h.url, makeTestKey(), { hello: { signedAtMs: clock.now(), client: { name: "Ada", userAgent: "ua-ada" } } });
    expect((await cli("devices", "approve", ada.pairing.request.code, "--role", "admin", "--json")).status).toBe(0);
    await ada.client.next("welcome");
    // 2. Ada approves a second browser from the dashboard and renames it.
    const bob = await requestPairing(h.url, makeTestKey(), at());
    await ada.client.call("devices.approve", { code: bob.pairing.request.code });
    await bob.client.next("welcome");
    await ada.client.call("devices.rename", { deviceId: bob.key.deviceId, name: "Bob's phone" });
    // 3. The CLI rejects a third; a fourth expires.
    const eve = await requestPairing(h.url, makeTestKey(), at());
    expect((await cli("devices", "reject", eve.pairing.request.code)).status).toBe(0);
    await expectRefusal(eve.client, "pairing_rejected", 4411);
    const idle = await requestPairing(h.url, makeTestKey(), at());
    clock.advance(10 * 60_000);
    await h.gateway.sweep();
    await expectRefusal(idle.client, "pairing_expired", 4412);
    // 4. Ada makes an invite that a browser uses; the CLI makes one and revokes it.
    const inv = await ada.client.call<InviteCreated>("invites.create", { role: "viewer" });
    if (!inv.ok) throw new Error(inv.error.code);
    const invited = await connectClient(h.url, makeTestKey());
    await invited.hello({ invite: inv.result.token, signedAtMs: clock.now() });
    const invitedId = (await invited.next("welcome")).device.id;
    const cliInvite = await cli("invite", "--json");
    expect(cliInvite.status).toBe(0);
    const list = (await h.gateway.dispatch({ kind: "cli" }, "devices.list", {})) as { invites: Array<{ id: string; status: string }> };
    const cliInviteId = list.invites.find((i) => i.status === "active")!.id;
    expect(cliInvite.json<{ inviteId: string }>().inviteId).toBe(cliInviteId);
    await h.gateway.dispatch({ kind: "cli" }, "invites.revoke", { inviteId: cliInviteId });
    // 5. The CLI revokes Bob; a viewer renames itself.
    expect((await cli("devices", "revoke", bob.key.fingerprint, "--json")).status).toBe(0);
    const viewer = await pairDevice(h, { role: "viewer", ...at() });
    await viewer.client.call("devices.rename", { deviceId: viewer.key.deviceId, name: "Den TV" });

    const viaRpc = await ada.client.call<{ entries: AuditEntry[] }>("audit.list", { limit: 1000 });
    if (!viaRpc.ok) throw new Error(viaRpc.error.code);
    const viaCli = await cli("audit", "--json", "--limit", "1000");
    expect(viaCli.status).toBe(0);
    expect(viaCli.json<{ entries: AuditEntry[] }>().entries).toEqual(viaRpc.result.entries);

    const entries = viaRpc.result.entries;
    expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => b - a)); // newest first
    const steps = [...entries].reverse().map((e) => [e.action, e.actor, e.detail.via ?? null, e.deviceId ?? null]);
    // Names are chosen by people and may repeat, so dashboard actions also name the acting device by id.
    for (const e of entries) {
      if (e.detail.via === "dashboard")
        expect([e.action, e.detail.actorDeviceId]).toEqual([e.action, e.actor === "Ada" ? ada.key.deviceId : viewer.key.deviceId]);
      else expect(e.detail.actorDeviceId).toBeUndefined();
    }
    expect(steps).toEqual([
      ["request_created", "Ada", null, ada.key.deviceId],
      ["approved", "cli", "cli", ada.key.deviceId],
      ["request_created", "Test browser", null, bob.key.deviceId],
      ["approved", "Ada", "dashboard", bob.key.deviceId],
      ["renamed", "Ada", "dashboard", bob.key.deviceId],
      ["request_created", "Test browser", null, eve.key.deviceId],
      ["rejected", "cli", "cli", eve.key.deviceId],
      ["request_created", "Test browser", null, idle.key.deviceId],
      ["expired", "gateway", null, idle.key.deviceId],
      ["invite_created", "Ada", "dashboard", null],
      ["invite_used", "Test browser", null, invitedId],
      ["approved", `invite ${inv.result.inviteId}`, "invite", invitedId],
      ["invite_created", "cli", "cli", null],
      ["invite_revoked", "cli", "cli", null],
      ["revoked", "cli", "cli", bob.key.deviceId],
      ["request_created", "Test browser", null, viewer.key.deviceId],
      ["approved", "cli", "cli", viewer.key.deviceId],
      ["renamed", "Test browser", "dashboard", viewer.key.deviceId],
    ]);
  });

  it("groups refused handshakes by code and source address into handshake_refused entries, not one row per attempt", async () => {
    h = await startGateway({ settings: { failuresBeforeBackoff: 1000 } });
    for (let i = 0; i < 3; i++) {
      const key = makeTestKey();
      const c = await connectClient(h.url, key, { localAddress: "127.0.0.2" });
      c.sendRaw(JSON.stringify(signedHello(key, await c.next("challenge"), { nonce: "A".repeat(43) })));
      await expectRefusal(c, "auth_failed", 4401);
    }
    await rawRequest(h.port, upgradeLines(h.port, ["Origin: https://evil.example"]));
    const stateDir = h.stateDir;
    await h.stop(true); // stopping flushes the grouped counts
    h = null;
    const db = new Database(join(stateDir, "pairgate.db"), { readonly: true });
    const rows = db.prepare("SELECT actor, detail FROM audit WHERE action = 'handshake_refused' ORDER BY id").all() as Array<{ actor: string; detail: string }>;
    db.close();
    rmSync(stateDir, { recursive: true, force: true });
    const grouped = rows.map((r) => ({ actor: r.actor, ...(JSON.parse(r.detail) as Record<string, unknown>) }));
    expect(grouped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: "127.0.0.2", code: "auth_failed", address: "127.0.0.2", count: 3 }),
        expect.objectContaining({ actor: "127.0.0.1", code: "origin_not_allowed", address: "127.0.0.1", count: 1 }),
      ]),
    );
    expect(grouped).toHaveLength(2);
  });
});
