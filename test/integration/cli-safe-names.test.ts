// Issue 11.1 and 12.2–12.4: names and labels with terminal escapes are refused (exit 2, the rule in words), a
// browser's own name is made safe rather than refused, and whatever came from a browser is escaped when the CLI
// prints it, in text and in --json. Viewer is the default role. The audit log reads as sentences with names.
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { AuditEntry, DeviceView, PendingView } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { runCliAsync } from "../support/cli.js";
import { CLI, pairDevice, requestPairing, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const ESC_CLEAR = "\x1b[2J\x1b[H";
const OSC52 = "\x1b]52;c;cHduZWQ=\x07"; // writes "pwned" to the clipboard
const RLO = "\u202E";
const HOSTILE = `Chrome${ESC_CLEAR}\nApprove with: ${OSC52}${RLO}exe.txt`;
/** What must never reach a terminal raw: C0 (but the table's own line breaks), DEL, C1 and bidi controls. */
const RAW_UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

describe("names from browsers", () => {
  it("stores a hostile client.name made safe, and prints pending, list and --json without a raw control character", async () => {
    h = await startGateway();
    const cli = (...args: string[]) => runCliAsync(args, h!.stateDir);
    const w = await requestPairing(h.url, makeTestKey(), { hello: { client: { name: HOSTILE, userAgent: `ua${RLO}\x1b[31m` } } });
    const pending = await cli("devices", "pending", "--json");
    const [view] = pending.json<{ pending: PendingView[] }>().pending;
    expect(view!.name).toBe("Chrome [2J [H Approve with: ]52;c;cHduZWQ= exe.txt");
    expect(pending.stdout).not.toMatch(RAW_UNSAFE); // the user agent keeps its characters, but only as \u escapes
    expect(pending.stdout).toContain("\\u202e");

    const text = await cli("devices", "pending");
    expect(text.status).toBe(0);
    expect(text.stdout).not.toMatch(RAW_UNSAFE);
    // One row for the request: the \n in the name did not forge a second one.
    expect(
      text.stdout
        .split("\n")
        .filter((l) => l.includes("Chrome"))
        .map((l) => l.startsWith(w.key.fingerprint)),
    ).toEqual([true]);

    const approved = await cli("devices", "approve", w.pairing.request.code);
    expect(approved.status).toBe(0);
    expect(approved.stdout).toMatch(/^Approved "Chrome \[2J \[H Approve with: .*" \([A-Z0-9]{4}-[A-Z0-9]{4}\) as viewer\./);
    await w.client.next("welcome");
  });

  it("escapes names already in the store (written before the rule) in list, audit and error messages", async () => {
    h = await startGateway();
    const cli = (...args: string[]) => runCliAsync(args, h!.stateDir);
    const a = await pairDevice(h, { role: "viewer" });
    const b = await pairDevice(h, { role: "viewer" });
    // The store below the service has no rule of its own: this is what an older gateway could have written.
    for (const d of [a, b]) {
      await h.gateway.store.renameDevice(d.key.deviceId, HOSTILE, {
        atMs: Date.now(),
        action: "renamed",
        actor: HOSTILE,
        deviceId: d.key.deviceId,
        detail: { via: "dashboard", from: "x", to: HOSTILE },
      });
    }
    const [list, audit, auditJson, ambiguous] = await Promise.all([
      cli("devices", "list"),
      cli("audit"),
      cli("audit", "--json"),
      cli("devices", "revoke", HOSTILE),
    ]);
    for (const r of [list, audit, auditJson, ambiguous]) {
      expect(r.stdout).not.toMatch(RAW_UNSAFE);
      expect(r.stderr).not.toMatch(RAW_UNSAFE);
    }
    expect(list.stderr).toBe("");
    expect(list.stdout).toContain("Chrome\\x1b[2J\\x1b[H\\x0aApprove with: \\x1b]52;c;");
    expect(audit.stdout).toContain('Renamed "x" to "Chrome\\x1b[2J');
    expect(auditJson.json<{ entries: AuditEntry[] }>().entries[0]!.detail.to).toBe(HOSTILE); // the value survives, escaped
    expect(ambiguous.status).toBe(1);
    expect(ambiguous.stderr).toContain("matches 2 devices");
  });

  it("escapes request headers in doctor's report", async () => {
    h = await startGateway();
    // Node reads header bytes as latin1, so 0x9b arrives as U+009B: the 8-bit CSI that some terminals obey.
    await new Promise<void>((resolve) => {
      const s = connect(h!.port, "127.0.0.1", () => s.end(Buffer.from("GET / HTTP/1.1\r\nHost: evil\x9b2J.example\r\n\r\n", "latin1")));
      s.on("data", () => s.destroy());
      s.on("close", () => resolve());
      s.on("error", () => resolve());
    });
    const doctor = await runCliAsync(["doctor"], h.stateDir);
    expect(doctor.stdout).toContain("Host evil\\x9b2J.example");
    expect(doctor.stdout).not.toMatch(RAW_UNSAFE);
  });
});

describe("names and labels people choose", () => {
  it("refuses control and bidi characters and bad lengths with the rule, exit 2, over the CLI and RPC", async () => {
    h = await startGateway();
    const cli = (...args: string[]) => runCliAsync(args, h!.stateDir);
    const d = await pairDevice(h, { role: "viewer" });
    const w = await requestPairing(h.url);
    const code = w.pairing.request.code;
    const attempts = [
      ["devices", "approve", code, "--name", `a${OSC52}`],
      ["devices", "approve", code, "--name", "line\nbreak"],
      ["devices", "approve", code, "--name", "x".repeat(65)],
      ["devices", "rename", d.key.fingerprint, `evil${RLO}gpj.exe`],
      ["devices", "rename", d.key.fingerprint, "   "],
      ["invite", "--label", `for ${RLO}Kim`],
      ["invite", "--label", "\x7f"],
    ];
    const results = await Promise.all(attempts.map((args) => cli(...args, "--json")));
    for (const r of results) {
      expect(r.status, r.stderr).toBe(2);
      expect(r.json()).toEqual({ error: { code: "invalid_params", message: expect.stringContaining("1–64 characters, with no control characters") } });
    }
    // The gateway holds the same rule for any caller (the dashboard, or a CLI that skipped its own check).
    for (const name of [`a${ESC_CLEAR}`, "\u2066x", "\x9b", ""]) {
      await expect(h.gateway.dispatch(CLI, "devices.rename", { deviceId: d.key.deviceId, name })).rejects.toMatchObject({
        code: "invalid_params",
        message: expect.stringContaining("1–64 characters"),
      });
    }
    await expect(h.gateway.dispatch(CLI, "invites.create", { role: "viewer", label: "\x1b" })).rejects.toMatchObject({
      code: "invalid_params",
      message: expect.stringContaining("label: That name holds a control"),
    });
    // Ordinary names pass: accents, CJK, emoji with joiners.
    expect(((await h.gateway.dispatch(CLI, "devices.rename", { deviceId: d.key.deviceId, name: "Zoë’s 工作 👩‍💻" })) as DeviceView).name).toBe(
      "Zoë’s 工作 👩‍💻",
    );
    // Nothing was approved by the refused attempts.
    expect(((await h.gateway.dispatch(CLI, "devices.list", {})) as { pending: PendingView[] }).pending).toHaveLength(1);
  });

  it("says what a code, a TTL and a name must look like, and exits 2", async () => {
    h = await startGateway();
    const cli = (...args: string[]) => runCliAsync(args, h!.stateDir);
    const [badCode, shortTtl, longTtl, rejectBad] = await Promise.all([
      cli("devices", "approve", "XYZ"),
      cli("invite", "--ttl", "30s"),
      cli("invite", "--ttl", "8d"),
      cli("devices", "reject", "12345678"),
    ]);
    expect([badCode.status, shortTtl.status, longTtl.status, rejectBad.status]).toEqual([2, 2, 2, 2]);
    expect(badCode.stderr).toBe('pairgate: "XYZ" is not a pairing code: a code is 8 letters as the waiting browser shows it, e.g. BCDF-GHJK\n');
    expect(rejectBad.stderr).toContain("is not a pairing code");
    expect(shortTtl.stderr).toBe("pairgate: --ttl 30s: an invite lasts between 1 minute and 7 days\n");
    expect(longTtl.stderr).toContain("between 1 minute and 7 days");
    for (const r of [badCode, shortTtl]) expect(r.stderr).not.toContain("Invalid input");
    // A well-formed code that nobody shows is "not found" (1), not a usage error.
    expect((await cli("devices", "approve", "BCDF-GHJK")).status).toBe(1);
  });
});

describe("roles and names on approval", () => {
  it("approves and invites as viewer unless admin is asked for; the first-start invite stays admin", async () => {
    h = await startGateway();
    const cli = (...args: string[]) => runCliAsync(args, h!.stateDir);
    const first = await h.gateway.firstStartInvite();
    const owner = await connectClient(h.url, makeTestKey());
    await owner.hello({ invite: first!.url.split("#invite=")[1]! });
    expect((await owner.next("welcome")).role).toBe("admin");

    const w = await requestPairing(h.url);
    const approved = await cli("devices", "approve", w.pairing.request.code, "--json");
    expect(approved.json<{ device: DeviceView }>().device.role).toBe("viewer");
    expect((await w.client.next("welcome")).role).toBe("viewer");
    const viaRpc = await requestPairing(h.url);
    expect(((await h.gateway.dispatch(CLI, "devices.approve", { code: viaRpc.pairing.request.code })) as DeviceView).role).toBe("viewer");

    const invite = await cli("invite", "--json");
    const c = await connectClient(h.url, makeTestKey());
    await c.hello({ invite: invite.json<{ url: string }>().url.split("#invite=")[1]! });
    expect((await c.next("welcome")).role).toBe("viewer");
    const admin = await cli("invite", "--role", "admin", "--json");
    const c2 = await connectClient(h.url, makeTestKey());
    await c2.hello({ invite: admin.json<{ url: string }>().url.split("#invite=")[1]! });
    expect((await c2.next("welcome")).role).toBe("admin");
  });

  it("names a device after its invite's label, and the audit log after the names, in sentences", async () => {
    h = await startGateway();
    const cli = (...args: string[]) => runCliAsync(args, h!.stateDir);
    const made = await cli("invite", "--label", "Kim's phone", "--json");
    const c = await connectClient(h.url, makeTestKey());
    await c.hello({ invite: made.json<{ url: string }>().url.split("#invite=")[1]! });
    const welcome = await c.next("welcome");
    expect(welcome.device.name).toBe("Kim's phone");

    const w = await requestPairing(h.url, makeTestKey(), { hello: { client: { name: "Firefox on Linux", userAgent: "ua" } } });
    expect((await cli("devices", "approve", w.pairing.request.code, "--name", "Den")).status).toBe(0);
    const audit = await cli("audit");
    expect(audit.status).toBe(0);
    const lines = audit.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^TIME\s+WHAT$/);
    const body = lines.slice(1).map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d\s+/, ""));
    expect(body).toEqual([
      `Approved "Den" (${w.key.fingerprint}) as viewer via the CLI`,
      `"Firefox on Linux" (${w.key.fingerprint}) asked to pair from 127.0.0.1 (this machine (loopback))`,
      `Approved "Kim's phone" (${welcome.device.fingerprint}) as viewer with the invite "Kim's phone"`,
      `"Kim's phone" (${welcome.device.fingerprint}) paired with the viewer invite "Kim's phone"`,
      expect.stringMatching(/^Created the viewer invite "Kim's phone" \(valid until \d{4}-\d\d-\d\d \d\d:\d\d\) via the CLI$/),
    ]);
    for (const l of lines) expect(l).not.toMatch(/\d{13}|[0-9a-f]{64}/); // no epoch ms, no raw device ids
  });
});
