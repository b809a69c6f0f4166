// Issue 4 / docs/design.md#cli, docs/design.md#details: the CLI does what the dashboard does, over the admin socket,
// each command with --json. DEVICE is an id, an id prefix, a fingerprint or an exact name; ambiguity is refused with
// the candidates listed. Exit codes: 0 ok, 1 refused or not found, 2 usage, 3 no gateway.
import { afterEach, describe, expect, it } from "vitest";
import type { AuditEntry, DeviceView, PendingView } from "../../shared/index.js";
import { startGateway, tempStateDir } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { runCliAsync } from "../support/cli.js";
import { CLI, expectRefusal, requestPairing, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe("CLI exit codes without a gateway", () => {
  it("exits 3 with what to check when no gateway runs, and 2 on usage errors", async () => {
    const empty = tempStateDir();
    const none = await runCliAsync(["devices", "list", "--json"], empty);
    expect(none.status).toBe(3);
    expect(none.json()).toEqual({ error: { code: "not_running", message: expect.stringContaining("no gateway is running") } });
    expect(none.stderr).toContain("--state-dir");
    const usage = [
      ["audit", "--limit", "0"],
      ["devices", "approve"],
      ["devices", "frobnicate"],
      ["invite", "--role", "root"],
    ];
    const results = await Promise.all(usage.map((args) => runCliAsync(args, empty)));
    expect(results.map((r) => r.status)).toEqual(usage.map(() => 2));
  });
});

describe("CLI parity with the dashboard", () => {
  it("approves, lists, renames, revokes and rejects with --json, resolving DEVICE by id, prefix, fingerprint and name", async () => {
    h = await startGateway({ settings: { newRequestsPerMinute: 100, pendingPerAddress: 10 } });
    const cli = (...args: string[]) => runCliAsync(args, h!.stateDir);
    const pair = async (name: string, role: "admin" | "viewer") => {
      const w = await requestPairing(h!.url, makeTestKey());
      const r = await cli("devices", "approve", w.pairing.request.code.toLowerCase().replace("-", " "), "--role", role, "--name", name, "--json");
      expect(r.status).toBe(0);
      const { device } = r.json<{ device: DeviceView }>();
      expect(device).toMatchObject({ id: w.key.deviceId, name, role, approvedVia: "cli", approvedBy: "cli", online: 1 });
      await w.client.next("welcome");
      return { ...w, device };
    };
    const laptop = await pair("Laptop", "admin");
    const k1 = await pair("Kitchen", "viewer");
    const k2 = await pair("Kitchen", "viewer");

    const waiting = await requestPairing(h.url);
    // Read-only commands run side by side; each CLI is its own process.
    const [pending, list, ambiguous] = await Promise.all([
      cli("devices", "pending", "--json"),
      cli("devices", "list", "--json"),
      cli("devices", "revoke", "Kitchen", "--json"),
    ]);
    expect(pending.status).toBe(0);
    expect(pending.json<{ pending: PendingView[] }>().pending).toEqual([
      expect.objectContaining({ id: waiting.pairing.request.id, fingerprint: waiting.key.fingerprint, online: true }),
    ]);
    expect(pending.stdout).not.toContain(waiting.pairing.request.code.replace("-", ""));

    expect(list.json<{ devices: DeviceView[] }>().devices.map((d) => d.name)).toEqual(["Laptop", "Kitchen", "Kitchen"]);

    expect(ambiguous.status).toBe(1);
    expect(ambiguous.json()).toEqual({ error: { code: "conflict", message: expect.stringContaining("matches 2 devices") } });
    for (const d of [k1, k2]) expect(ambiguous.stderr).toContain(d.key.fingerprint);
    expect(k1.client.ws.readyState).toBe(k1.client.ws.OPEN);

    const renamed = await cli("devices", "rename", k1.key.fingerprint.toLowerCase().replace("-", ""), "Den", "--json");
    expect(renamed.status).toBe(0);
    expect(renamed.json<{ device: DeviceView }>().device).toMatchObject({ id: k1.key.deviceId, name: "Den" });

    const byPrefix = await cli("devices", "revoke", k2.key.deviceId.slice(0, 10), "--json");
    expect(byPrefix.status).toBe(0);
    expect(byPrefix.json()).toEqual({ deviceId: k2.key.deviceId, closedConnections: 1, ms: expect.any(Number) });
    await expectRefusal(k2.client, "device_revoked", 4410);
    const byName = await cli("devices", "revoke", "Den", "--json");
    expect(byName.json()).toMatchObject({ deviceId: k1.key.deviceId });
    await expectRefusal(k1.client, "device_revoked", 4410);
    const byId = await cli("devices", "rename", laptop.key.deviceId, "Work laptop", "--json");
    expect(byId.json<{ device: DeviceView }>().device.name).toBe("Work laptop");

    const [missing, gone] = await Promise.all([
      cli("devices", "revoke", "no-such-device", "--json"),
      cli("devices", "revoke", k1.key.deviceId, "--json"), // revoked devices are not candidates
    ]);
    expect(missing.status).toBe(1);
    expect(missing.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    expect(gone.status).toBe(1);

    const rejected = await cli("devices", "reject", waiting.pairing.request.code, "--json");
    expect(rejected.status).toBe(0);
    expect(rejected.json()).toEqual({ rejected: true });
    await expectRefusal(waiting.client, "pairing_rejected", 4411);
    const [again, unknownCode, all] = await Promise.all([
      cli("devices", "reject", waiting.pairing.request.code, "--json"),
      cli("devices", "approve", "BCDF-GHJK", "--json"),
      cli("devices", "list", "--all", "--json"),
    ]);
    expect(again.status).toBe(1);
    expect(again.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    expect([unknownCode.status, unknownCode.json<{ error: { code: string } }>().error.code]).toEqual([1, "not_found"]);
    const revoked = all.json<{ devices: DeviceView[] }>().devices.filter((d) => d.revokedAtMs !== undefined);
    expect(revoked.map((d) => d.id).sort()).toEqual([k1.key.deviceId, k2.key.deviceId].sort());
  });

  it("makes a one-time invite with --json whose link pairs one browser with the chosen role", async () => {
    h = await startGateway();
    const cli = (...args: string[]) => runCliAsync(args, h!.stateDir);
    const made = await cli("invite", "--role", "viewer", "--ttl", "30m", "--label", "for Kim", "--json");
    expect(made.status).toBe(0);
    const invite = made.json<{ inviteId: string; url: string; expiresAtMs: number }>();
    expect(Object.keys(invite).sort()).toEqual(["expiresAtMs", "inviteId", "url"]);
    expect(invite.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${h.port}/#invite=[A-Za-z0-9_-]{43}$`));
    expect(invite.expiresAtMs - Date.now()).toBeGreaterThan(29 * 60_000);
    const token = invite.url.split("#invite=")[1]!;
    const c = await connectClient(h.url, makeTestKey());
    await c.hello({ invite: token });
    expect((await c.next("welcome")).role).toBe("viewer");
    expect((await cli("invite", "--ttl", "banana")).status).toBe(2);
    const list = (await h.gateway.dispatch(CLI, "devices.list", {})) as { invites: Array<{ id: string; label: string; status: string }> };
    expect(list.invites).toEqual([expect.objectContaining({ id: invite.inviteId, label: "for Kim", status: "used" })]);
  });

  it("prints the audit log with --json, newest first, the same entries as audit.list", async () => {
    h = await startGateway();
    const w = await requestPairing(h.url);
    await h.gateway.dispatch(CLI, "devices.approve", { code: w.pairing.request.code });
    const out = await runCliAsync(["audit", "--json", "--limit", "2"], h.stateDir);
    expect(out.status).toBe(0);
    const { entries } = out.json<{ entries: AuditEntry[] }>();
    expect(entries.map((e) => e.action)).toEqual(["approved", "request_created"]);
    expect(entries).toEqual(((await h.gateway.dispatch(CLI, "audit.list", { limit: 2 })) as { entries: AuditEntry[] }).entries);
  });
});
