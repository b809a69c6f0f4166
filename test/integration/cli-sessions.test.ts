// `pairgate sessions list|end` against a real gateway process over its admin socket. The sessions are seeded into
// the SQLite store before the gateway starts (the registry reads them at start), so this file tests the CLI and the
// admin methods on their own; test/integration/front-door-proxies.test.ts makes sessions the way browsers do.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppSessionView, AuditEntry } from "../../shared/index.js";
import { runCli, spawnGateway, tempStateDir, type SpawnedGateway } from "../support/gateway-harness.js";
import { seedDevice, seedSession, seedStore } from "../support/seed-sessions.js";

const NOW = Date.now();
const HOUR = 3600_000;
const device = (name: string) => seedDevice(name, NOW);
const session = (id: string, deviceId: string, lastUsedAtMs: number) => seedSession(id, deviceId, lastUsedAtMs, NOW);

// A name no browser could send today (the name rule refuses ESC), as an older row might hold it.
const laptop = device("laptop\x1b[2J");
const phone = device("phone");
let g: SpawnedGateway;

beforeAll(async () => {
  const stateDir = tempStateDir();
  await seedStore(
    stateDir,
    [laptop, phone],
    [session("ses_laptop1", laptop.id, NOW - 5 * 60_000), session("ses_laptop2", laptop.id, NOW - 60_000), session("ses_phone1", phone.id, NOW - 30_000)],
  );
  g = await spawnGateway([], { stateDir });
});
afterAll(async () => {
  await g.stop();
  rmSync(g.stateDir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(args, { stateDir: g.stateDir });
const listJson = (...args: string[]) => (cli("sessions", "list", "--json", ...args).json() as { sessions: AppSessionView[] }).sessions;

describe("pairgate sessions", () => {
  it("lists every app session, most recently used first, with the device's name", () => {
    const sessions = listJson();
    expect(sessions.map((s) => s.id)).toEqual(["ses_phone1", "ses_laptop2", "ses_laptop1"]);
    expect(sessions[0]).toEqual({
      id: "ses_phone1",
      deviceId: phone.id,
      deviceName: "phone",
      createdAtMs: NOW - HOUR,
      lastUsedAtMs: NOW - 30_000,
      expiresAtMs: expect.any(Number),
    });
    // Not the cookie, not its hash.
    expect(JSON.stringify(sessions)).not.toContain("tokenHash");
  });

  it("lists one device's sessions by fingerprint, and escapes its name in the table and in JSON", () => {
    const table = cli("sessions", "list", "--device", laptop.fingerprint);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toContain("laptop\\x1b[2J");
    expect(table.stdout).not.toContain("\x1b");
    expect(table.stdout).toContain("ses_laptop2");
    expect(table.stdout).not.toContain("ses_phone1");
    const json = cli("sessions", "list", "--json", "--device", laptop.fingerprint);
    expect(json.stdout).not.toContain("\x1b");
    expect((json.json() as { sessions: AppSessionView[] }).sessions.map((s) => s.deviceName)).toEqual(["laptop\x1b[2J", "laptop\x1b[2J"]);
  });

  it("ends one session by id; the same id again is not found (exit 1)", () => {
    const ended = cli("sessions", "end", "ses_laptop1", "--json");
    expect(ended.status, ended.stderr).toBe(0);
    expect(ended.json()).toEqual({ ended: 1 });
    expect(listJson().map((s) => s.id)).not.toContain("ses_laptop1");
    const again = cli("sessions", "end", "ses_laptop1", "--json");
    expect(again.status).toBe(1);
    expect(again.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("ends every session of a device, which stays paired", () => {
    const ended = cli("sessions", "end", "--device", laptop.id.slice(0, 8));
    expect(ended.status, ended.stderr).toBe(0);
    expect(ended.stdout).toContain('Ended 1 app session(s) of "laptop\\x1b[2J"');
    expect(listJson().map((s) => s.id)).toEqual(["ses_phone1"]);
    const devices = cli("devices", "list", "--json").json() as { devices: Array<{ id: string }> };
    expect(devices.devices.map((d) => d.id)).toContain(laptop.id);
  });

  it("writes each end to the audit log like other admin actions: who, how, which device, how many; a refused end writes nothing", () => {
    const entries = (cli("audit", "--json").json() as { entries: AuditEntry[] }).entries.filter((e) => e.action === "sessions_ended");
    // Newest first: the device-wide end, then the single session (its second, refused try left no entry).
    expect(entries).toEqual([
      expect.objectContaining({ actor: "cli", deviceId: laptop.id, detail: { via: "cli", count: 1, name: laptop.name, fingerprint: laptop.fingerprint } }),
      expect.objectContaining({
        actor: "cli",
        deviceId: laptop.id,
        detail: { via: "cli", count: 1, sessionId: "ses_laptop1", name: laptop.name, fingerprint: laptop.fingerprint },
      }),
    ]);
    const table = cli("audit");
    expect(table.stdout).toContain(`Ended the app session ses_laptop1 of "laptop\\x1b[2J" (${laptop.fingerprint}) via the CLI`);
    expect(table.stdout).not.toContain("\x1b");
  });

  it("refuses usage errors with exit 2 and an unknown device with exit 1", () => {
    expect(cli("sessions", "end").status).toBe(2);
    expect(cli("sessions", "end", "ses_phone1", "--device", "phone").status).toBe(2);
    const unknown = cli("sessions", "list", "--device", "nobody", "--json");
    expect(unknown.status).toBe(1);
    expect(unknown.json()).toMatchObject({ error: { code: "not_found" } });
    expect(listJson().map((s) => s.id)).toEqual(["ses_phone1"]);
  });

  it("drops a device's sessions when it is revoked", () => {
    expect(cli("devices", "revoke", "phone").status).toBe(0);
    expect(listJson()).toEqual([]);
    expect(cli("sessions", "list").stdout).toContain("No app sessions.");
  });

  it("exits 3 when no gateway is running", () => {
    const empty = tempStateDir();
    const r = runCli(["sessions", "list"], { stateDir: empty });
    rmSync(empty, { recursive: true, force: true });
    expect(r.status).toBe(3);
  });
});
