// Issue 4 / docs/design.md#pairing: invites are single use, expire, can be revoked, carry a role, and exist in the
// database only as SHA-256 of the token.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AuditEntry, DevicesListResult, InviteCreated } from "../../shared/index.js";
import { startGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { runCliAsync } from "../support/cli.js";
import { CLI, expectRefusal, manualClock, waitForFrame, type Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

async function redeem(url: string, token: string, signedAtMs?: number) {
  const key = makeTestKey();
  const c = await connectClient(url, key);
  await c.hello({ invite: token, ...(signedAtMs !== undefined ? { signedAtMs } : {}) });
  return { c, key };
}

describe("invites", () => {
  it("pairs the first browser with the invite's role and refuses a second use with invite_invalid 4413", async () => {
    h = await startGateway();
    const invite = (await h.gateway.dispatch(CLI, "invites.create", { role: "viewer", label: "bob" })) as InviteCreated;
    const first = await redeem(h.url, invite.token);
    const welcome = await first.c.next("welcome");
    expect(welcome.device).toMatchObject({ id: first.key.deviceId, role: "viewer", approvedVia: "invite" });
    const second = await redeem(h.url, invite.token);
    await expectRefusal(second.c, "invite_invalid", 4413);
    // The first device stays paired, and reconnecting it needs no invite.
    const back = await connectClient(h.url, first.key);
    await back.hello();
    expect((await back.next("welcome")).device.id).toBe(first.key.deviceId);
    const { entries } = (await h.gateway.dispatch(CLI, "audit.list", { limit: 5 })) as { entries: AuditEntry[] };
    expect(entries.map((e) => e.action).slice(0, 3)).toEqual(["approved", "invite_used", "invite_created"]);
    expect(entries[1]).toMatchObject({ deviceId: first.key.deviceId, detail: { inviteId: invite.inviteId, role: "viewer" } });
  });

  it("lets exactly one of two browsers racing for the same invite pair", async () => {
    h = await startGateway();
    const invite = (await h.gateway.dispatch(CLI, "invites.create", { role: "admin" })) as InviteCreated;
    const [a, b] = await Promise.all([redeem(h.url, invite.token), redeem(h.url, invite.token)]);
    const outcomes = await Promise.all(
      [a, b].map(async ({ c }) => {
        const f = await waitForFrame(c, (x) => x.type === "welcome" || x.type === "error");
        return f.type === "welcome" ? "welcome" : f.type === "error" ? f.code : f.type;
      }),
    );
    expect(outcomes.sort()).toEqual(["invite_invalid", "welcome"]);
  });

  it("refuses an expired invite and an unknown token with invite_invalid 4413", async () => {
    const clock = manualClock();
    h = await startGateway({ now: clock.now });
    const invite = (await h.gateway.dispatch(CLI, "invites.create", { role: "admin", ttlMs: 60_000 })) as InviteCreated;
    clock.advance(60_000);
    const late = await redeem(h.url, invite.token, clock.now());
    await expectRefusal(late.c, "invite_invalid", 4413);
    const unknown = await redeem(h.url, "A".repeat(43), clock.now());
    await expectRefusal(unknown.c, "invite_invalid", 4413);
  });

  it("stores the invite token only as its SHA-256, nowhere in plaintext in the database files", async () => {
    h = await startGateway();
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) tokens.push(((await h.gateway.dispatch(CLI, "invites.create", { role: "admin" })) as InviteCreated).token);
    const used = await redeem(h.url, tokens[0]!);
    await used.c.next("welcome");
    const files = readdirSync(h.stateDir).filter((f) => f.startsWith("pairgate.db"));
    expect(files).toContain("pairgate.db");
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(h!.stateDir, f))));
    for (const token of tokens) {
      expect(bytes.includes(Buffer.from(token))).toBe(false);
      expect(bytes.includes(Buffer.from(token, "base64url"))).toBe(false);
      expect(bytes.includes(Buffer.from(createHash("sha256").update(token).digest("hex")))).toBe(true);
    }
  });

  it("resolves the key's own pending request when it pairs through an invite: its waiting tab is welcomed, the old code says not_found (issue 11)", async () => {
    h = await startGateway();
    const key = makeTestKey();
    const waiting = await connectClient(h.url, key);
    await waiting.hello();
    const { request } = await waiting.next("pairing");
    const invite = (await h.gateway.dispatch(CLI, "invites.create", { role: "viewer" })) as InviteCreated;
    const invited = await connectClient(h.url, key);
    await invited.hello({ invite: invite.token });
    expect((await invited.next("welcome")).role).toBe("viewer");
    expect((await waiting.next("welcome")).role).toBe("viewer"); // the other tab of the same browser carries on
    await expect(h.gateway.dispatch(CLI, "devices.approve", { code: request.code, role: "admin" })).rejects.toMatchObject({ code: "not_found" });
    const cli = await runCliAsync(["devices", "approve", request.code, "--role", "admin"], h.stateDir);
    expect(cli.status).toBe(1);
    expect(cli.stderr).not.toContain("internal");
    expect(((await h.gateway.dispatch(CLI, "devices.list", {})) as DevicesListResult).devices.map((d) => [d.id, d.role])).toEqual([[key.deviceId, "viewer"]]);
  });
});

describe("devices reject", () => {
  it("takes a code, a request id or the fingerprint `devices pending` lists (issue 11 item 4)", async () => {
    h = await startGateway();
    const waiting = await Promise.all(
      [0, 1, 2].map(async () => {
        const key = makeTestKey();
        const c = await connectClient(h!.url, key);
        await c.hello();
        return { c, key, request: (await c.next("pairing")).request };
      }),
    );
    const [byCode, byId, byFingerprint] = waiting as [(typeof waiting)[0], (typeof waiting)[0], (typeof waiting)[0]];
    for (const [w, arg] of [
      [byCode, byCode.request.code],
      [byId, byId.request.id],
      [byFingerprint, byFingerprint.key.fingerprint.toLowerCase()],
    ] as const) {
      const r = await runCliAsync(["devices", "reject", arg], h.stateDir);
      expect([arg, r.status, r.stderr]).toEqual([arg, 0, ""]);
      await expectRefusal(w.c, "pairing_rejected", 4411);
    }
    const none = await runCliAsync(["devices", "reject", "req_nothing"], h.stateDir);
    expect(none.status).toBe(1);
  });
});
