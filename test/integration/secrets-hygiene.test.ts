// Issue 5 / docs/design.md#details: invite tokens, pairing codes and signatures never reach a log line, /healthz,
// doctor, an error message or any RPC result except the one that creates them; the database holds only SHA-256 of
// tokens. A full run is driven in-process at debug level and through a child gateway and the real CLI, then grepped.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodeB64u, type InviteCreated, type ServerFrame } from "../../shared/index.js";
import { runCli, spawnGateway, startGateway, type SpawnedGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient, type TestClient } from "../support/ws-client.js";
import { adminCall } from "../support/admin-socket-client.js";
import { signedHello } from "../support/hello.js";
import { rawRequest, upgradeLines } from "../support/raw-http.js";
import { CLI, eventually, expectRefusal, manualClock, pairDevice, requestPairing, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
let gw: SpawnedGateway | null = null;
afterEach(async () => {
  await h?.stop();
  if (gw && gw.child.exitCode === null) await gw.stop("SIGTERM");
  h = null;
  gw = null;
});

/** The first-start link is printed just after the listening line, so wait for it rather than race it. */
async function firstStartToken(g: SpawnedGateway): Promise<string> {
  await eventually(() => /#invite=[A-Za-z0-9_-]{43}/.test(g.stdout()), "the first-start invite is printed");
  return /#invite=([A-Za-z0-9_-]{43})/.exec(g.stdout())![1]!;
}

/** Every spelling a secret could be written in: as shown, and codes without their dash. */
function spellings(secrets: { codes: string[]; tokens: string[]; signatures: string[] }): string[] {
  return [...secrets.codes.flatMap((c) => [c, c.replace("-", "")]), ...secrets.tokens, ...secrets.signatures];
}

function expectNoSecret(where: string, text: string, secrets: string[]) {
  const leaked = secrets.filter((s) => text.includes(s));
  expect(leaked, `${where} contains a secret`).toEqual([]);
}

function errorMessages(clients: TestClient[]): string {
  return clients
    .flatMap((c) => c.frames)
    .filter((f: ServerFrame) => f.type === "error" || (f.type === "res" && !f.ok))
    .map((f) => JSON.stringify(f))
    .join("\n");
}

describe("secrets hygiene", () => {
  it("keeps codes, tokens and signatures out of debug logs, /healthz, doctor, lists, audit and error messages of a full in-process run", async () => {
    const logLines: string[] = [];
    const clock = manualClock();
    h = await startGateway({ logLines, logLevel: "debug", now: clock.now, settings: { newRequestsPerMinute: 100 } });
    const at = () => ({ hello: { signedAtMs: clock.now() } });
    const secrets = { codes: [] as string[], tokens: [] as string[], signatures: [] as string[] };
    const clients: TestClient[] = [];

    const admin = await pairDevice(h, { role: "admin", ...at() }); // CLI approval
    secrets.codes.push(admin.pairing.request.code);
    clients.push(admin.client);
    const viaDashboard = await requestPairing(h.url, makeTestKey(), at());
    secrets.codes.push(viaDashboard.pairing.request.code);
    clients.push(viaDashboard.client);
    await admin.client.call("devices.approve", { code: viaDashboard.pairing.request.code });
    await viaDashboard.client.next("welcome");
    const rejected = await requestPairing(h.url, makeTestKey(), at());
    secrets.codes.push(rejected.pairing.request.code);
    clients.push(rejected.client);
    await admin.client.call("devices.reject", { code: rejected.pairing.request.code });
    await expectRefusal(rejected.client, "pairing_rejected", 4411);
    const expiring = await requestPairing(h.url, makeTestKey(), at());
    secrets.codes.push(expiring.pairing.request.code);
    clients.push(expiring.client);
    // Approving a wrong code and an expired one: the refusal must not echo the code back.
    await admin.client.call("devices.approve", { code: "ZZZZ-ZZZZ" });
    secrets.codes.push("ZZZZ-ZZZZ");
    clock.advance(10 * 60_000);
    await h.gateway.sweep();
    await admin.client.call("devices.approve", { code: expiring.pairing.request.code });
    await admin.client.call("devices.reject", { code: expiring.pairing.request.code });

    // Invites: made from the dashboard and from the CLI, used, reused, revoked, and one that never existed.
    const fromDashboard = await admin.client.call<InviteCreated>("invites.create", { role: "viewer" });
    if (!fromDashboard.ok) throw new Error(fromDashboard.error.code);
    const fromCli = (await h.gateway.dispatch(CLI, "invites.create", { role: "admin" })) as InviteCreated;
    const forged = encodeB64u(new Uint8Array(32).fill(42));
    secrets.tokens.push(fromDashboard.result.token, fromCli.token, forged);
    for (const [token, expected] of [
      [fromDashboard.result.token, "welcome"],
      [fromDashboard.result.token, "invite_invalid"],
      [forged, "invite_invalid"],
    ] as const) {
      const key = makeTestKey();
      const c = await connectClient(h.url, key);
      clients.push(c);
      const hello = signedHello(key, await c.next("challenge"), { signedAtMs: clock.now() }, { invite: token });
      secrets.signatures.push(hello.signature);
      c.sendRaw(JSON.stringify(hello));
      if (expected === "welcome") await c.next("welcome");
      else await expectRefusal(c, "invite_invalid", 4413);
    }
    await h.gateway.dispatch(CLI, "invites.revoke", { inviteId: fromCli.inviteId });
    // A refused upgrade and a failed signature, so the refusal paths log too.
    await rawRequest(h.port, upgradeLines(h.port, ["Origin: https://evil.example"]));
    const bad = await connectClient(h.url, makeTestKey());
    clients.push(bad);
    const badHello = signedHello(makeTestKey(), await bad.next("challenge"), { signedAtMs: clock.now(), nonce: "A".repeat(43) });
    secrets.signatures.push(badHello.signature);
    bad.sendRaw(JSON.stringify(badHello));
    await expectRefusal(bad, "auth_failed", 4401);

    const all = spellings(secrets);
    const health = await (await fetch(`${h.httpUrl}/healthz`)).text();
    const doctor = JSON.stringify(await adminCall(h.stateDir, "gateway.doctor"));
    const lists = JSON.stringify([
      await h.gateway.dispatch(CLI, "devices.list", { includeRevoked: true }),
      await h.gateway.dispatch(CLI, "audit.list", { limit: 1000 }),
      await admin.client.call("devices.list"),
    ]);
    await h.stop();
    h = null;
    expect(logLines.length).toBeGreaterThan(10);
    expectNoSecret("the log", logLines.join(""), all);
    expectNoSecret("/healthz", health, all);
    expectNoSecret("doctor", doctor, all);
    expectNoSecret("devices.list and audit.list", lists, all);
    expectNoSecret("error frames and RPC errors", errorMessages(clients), all);
    // The creating RPC is the one place a token is returned, and only to its caller.
    expect(fromDashboard.result.url).toContain(fromDashboard.result.token);
  });

  it("keeps codes and tokens out of a child gateway's log and prints the first-start invite once, on stdout only", async () => {
    gw = await spawnGateway(["--log-level", "debug"]);
    const firstStart = await firstStartToken(gw);
    const url = `ws://127.0.0.1:${gw.port}/ws`;
    const codes: string[] = [];
    const tokens: string[] = [firstStart];

    const approved = await requestPairing(url);
    codes.push(approved.pairing.request.code);
    const approve = runCli(["devices", "approve", approved.pairing.request.code, "--json"], { stateDir: gw.stateDir });
    expect(approve.status).toBe(0);
    await approved.client.next("welcome");
    const rejected = await requestPairing(url);
    codes.push(rejected.pairing.request.code);
    expect(runCli(["devices", "reject", rejected.pairing.request.code], { stateDir: gw.stateDir }).status).toBe(0);
    const missing = runCli(["devices", "approve", "BCDF-GHJK", "--json"], { stateDir: gw.stateDir });
    expect(missing.status).toBe(1);
    expect(missing.stdout + missing.stderr).not.toContain("BCDFGHJK");
    codes.push("BCDF-GHJK");

    const invite = runCli(["invite", "--role", "viewer", "--json"], { stateDir: gw.stateDir });
    expect(invite.status).toBe(0);
    const inviteUrl = (invite.json() as { url: string }).url;
    const token = /#invite=([A-Za-z0-9_-]{43})$/.exec(inviteUrl)![1]!;
    tokens.push(token);
    const invited = await connectClient(url, makeTestKey());
    await invited.hello({ invite: token });
    await invited.next("welcome");
    const reused = await connectClient(url, makeTestKey());
    await reused.hello({ invite: token });
    await expectRefusal(reused, "invite_invalid", 4413);
    const firstUse = await connectClient(url, makeTestKey());
    await firstUse.hello({ invite: firstStart });
    expect((await firstUse.next("welcome")).role).toBe("admin");

    // What `pairgate audit|doctor|devices list --json` print is these replies (cli-parity.test.ts runs the commands).
    const replies = JSON.stringify([
      await adminCall(gw.stateDir, "audit.list", { limit: 1000 }),
      await adminCall(gw.stateDir, "gateway.doctor"),
      await adminCall(gw.stateDir, "devices.list", { includeRevoked: true }),
    ]);
    expect(await gw.stop("SIGTERM")).toBe(0);

    const all = spellings({ codes, tokens, signatures: [] });
    expect(gw.stderr()).toContain('"level":"debug"');
    expectNoSecret("the child's log (stderr)", gw.stderr(), all);
    expectNoSecret("the child's stdout apart from the first-start link", gw.stdout().replace(firstStart, "<first-start>"), all);
    expect(gw.stdout().split(firstStart).length - 1).toBe(1); // printed once, only while no admin existed
    expectNoSecret("audit, doctor and device lists", replies, all);
    const db = Buffer.concat(
      readdirSync(gw.stateDir)
        .filter((f) => f.startsWith("pairgate.db"))
        .map((f) => readFileSync(join(gw!.stateDir, f))),
    );
    for (const t of tokens) expect(db.includes(Buffer.from(t)), "a token in the database").toBe(false);
  });

  it("does not print the first-start invite again once an admin exists", async () => {
    gw = await spawnGateway();
    const stateDir = gw.stateDir;
    const firstStart = await firstStartToken(gw);
    const c = await connectClient(`ws://127.0.0.1:${gw.port}/ws`, makeTestKey());
    await c.hello({ invite: firstStart });
    await c.next("welcome");
    expect(await gw.stop("SIGTERM")).toBe(0);
    gw = await spawnGateway([], { stateDir });
    await eventually(() => gw!.stdout().includes("approve    "), "the start banner is printed");
    expect(await gw.stop("SIGTERM")).toBe(0); // everything start prints is out once it has exited
    expect(gw.stdout()).not.toContain("#invite=");
  });
});
