// The front door's pure parts: cookie attributes and reading, ticket rules with an injected clock, the identity
// headers (client-sent ones stripped, names made header-safe), and requireDevice() as middleware.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { PLAIN_COOKIE, readSessionCookie, SECURE_COOKIE, sessionCookie, withoutSessionCookies } from "../../server/src/front-door/cookies.js";
import { headerSafeName, identityHeaders, stripIdentityHeaders } from "../../server/src/front-door/identity-headers.js";
import { requireDevice } from "../../server/src/front-door/require-device.js";
import { upstreamHeaders } from "../../server/src/front-door/upstream-proxy.js";
import { TICKET_TTL_MS, TicketBook } from "../../server/src/sessions/tickets.js";
import type { SessionIdentity } from "../../server/src/sessions/session-registry.js";
import { MemoryStore } from "../../server/src/store/memory-store.js";

const ID: SessionIdentity = { sessionId: "ses_1", deviceId: "dev_1", name: "Laptop", role: "viewer" };
const WEEK = 7 * 24 * 3600_000;

describe("session cookie", () => {
  it("is __Host-pairgate with Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain on https", () => {
    expect(sessionCookie("tok", { secure: true, maxAgeMs: WEEK })).toBe(`${SECURE_COOKIE}=tok; Path=/; Max-Age=604800; Secure; HttpOnly; SameSite=Lax`);
    expect(SECURE_COOKIE).toBe("__Host-pairgate");
  });

  it("is pairgate_session with HttpOnly and SameSite=Lax, without Secure, on plain http", () => {
    expect(sessionCookie("tok", { secure: false, maxAgeMs: WEEK })).toBe(`${PLAIN_COOKIE}=tok; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax`);
  });

  it("reads __Host-pairgate always, and pairgate_session only off https", () => {
    expect(readSessionCookie(`a=1; ${SECURE_COOKIE}=s; ${PLAIN_COOKIE}=p`, { https: true })).toBe("s");
    expect(readSessionCookie(`a=1; ${PLAIN_COOKIE}=p`, { https: true })).toBeNull();
    expect(readSessionCookie(`a=1; ${PLAIN_COOKIE}=p`, { https: false })).toBe("p");
    expect(readSessionCookie(undefined, { https: false })).toBeNull();
    expect(readSessionCookie("pairgate_sessionx=p; garbage", { https: false })).toBeNull();
    // The first of each counts; spaces around names and values, a value holding "=", and an empty last part.
    expect(readSessionCookie(` ${PLAIN_COOKIE} = p1 ;${PLAIN_COOKIE}=p2; x=a=b;`, { https: false })).toBe("p1");
    expect(readSessionCookie(`x=a=b;${SECURE_COOKIE}=s=1`, { https: true })).toBe("s=1");
    expect(readSessionCookie("=pairgate; ;;", { https: false })).toBeNull();
  });

  it("is removed from the Cookie header sent upstream; the app's own cookies stay, in order", () => {
    expect(withoutSessionCookies(`theme=dark; ${PLAIN_COOKIE}=p; app=1; ${SECURE_COOKIE}=s`)).toBe("theme=dark; app=1");
    expect(withoutSessionCookies(`${PLAIN_COOKIE}=p`)).toBeUndefined();
    expect(withoutSessionCookies(undefined)).toBeUndefined();
  });
});

describe("one-time tickets", () => {
  const book = () => {
    let now = 1_000_000;
    const store = new MemoryStore();
    const b = new TicketBook({ store, now: () => now, randomBytes: (n) => new Uint8Array(randomBytes(n)) });
    return { b, store, advance: (ms: number) => void (now += ms) };
  };
  const ORIGIN = "https://app.example";

  it("gives 32 random bytes, redeemed once, by the origin it was issued to", async () => {
    const { b } = book();
    const { ticket, expiresAtMs } = await b.issue("dev_1", ORIGIN);
    expect(Buffer.from(ticket, "base64url")).toHaveLength(32);
    expect(expiresAtMs).toBe(1_000_000 + TICKET_TTL_MS);
    expect(await b.redeem(ticket, "HTTPS://APP.EXAMPLE")).toEqual({ deviceId: "dev_1" });
    expect(await b.redeem(ticket, ORIGIN)).toEqual({ refused: "ticket_invalid" }); // replayed
  });

  it("refuses a forged ticket, an expired one, and one from another origin (which also uses it up)", async () => {
    const { b, advance } = book();
    expect(await b.redeem("A".repeat(43), ORIGIN)).toEqual({ refused: "ticket_invalid" });
    const other = (await b.issue("dev_1", ORIGIN)).ticket;
    expect(await b.redeem(other, "https://evil.example")).toEqual({ refused: "ticket_origin" });
    expect(await b.redeem(other, ORIGIN)).toEqual({ refused: "ticket_invalid" });
    const late = (await b.issue("dev_1", ORIGIN)).ticket;
    advance(TICKET_TTL_MS);
    expect(await b.redeem(late, ORIGIN)).toEqual({ refused: "ticket_expired" });
  });

  it("keeps only the ticket's hash in the store, and the sweep deletes the ones nobody traded in", async () => {
    const { b, store, advance } = book();
    const { ticket } = await b.issue("dev_1", ORIGIN);
    const kept = await b.issue("dev_2", ORIGIN);
    expect(JSON.stringify([...(store as unknown as { tickets: Map<string, unknown> }).tickets])).not.toContain(ticket);
    advance(TICKET_TTL_MS);
    expect(await b.sweep()).toBe(2);
    expect(await b.redeem(kept.ticket, ORIGIN)).toEqual({ refused: "ticket_invalid" });
  });
});

describe("identity headers", () => {
  it("are Authelia's names plus pairgate's, with a non-ASCII name percent-encoded", () => {
    expect(identityHeaders({ ...ID, name: "Zoë's tablet" })).toEqual({
      "Remote-User": "Zo%C3%AB's%20tablet",
      "Remote-Groups": "viewer",
      "X-Pairgate-Device": "dev_1",
      "X-Pairgate-Role": "viewer",
    });
    expect(headerSafeName("Work laptop (Firefox)")).toBe("Work laptop (Firefox)");
    expect(headerSafeName("a\r\nX-Evil: 1")).toBe(encodeURIComponent("a\r\nX-Evil: 1"));
  });

  it("sent by a client are stripped, whatever their case, and replaced by the session's", () => {
    const headers = {
      "remote-user": "root",
      "remote-email": "x",
      "x-pairgate-role": "admin",
      "x-pairgate-anything": "1",
      accept: "*/*",
      cookie: `${PLAIN_COOKIE}=p; app=1`,
    };
    expect(Object.keys(stripIdentityHeaders({ ...headers }))).toEqual(["accept", "cookie"]);
    const req = { headers: { ...headers } } as unknown as IncomingMessage;
    upstreamHeaders(req, { ...ID, role: "admin" });
    expect(req.headers).toEqual({
      accept: "*/*",
      cookie: "app=1",
      "remote-user": "Laptop",
      "remote-groups": "admin",
      "x-pairgate-device": "dev_1",
      "x-pairgate-role": "admin",
    });
  });
});

describe("requireDevice()", () => {
  const sessions = { check: (token: string) => (token === "viewer-token" ? ID : token === "admin-token" ? { ...ID, role: "admin" as const } : null) };
  function run(mw: ReturnType<typeof requireDevice>, headers: Record<string, string>, url = "/reports?x=1") {
    const req = { headers, url, method: "GET", socket: {} } as unknown as IncomingMessage;
    const out: { status?: number; headers?: Record<string, unknown>; body?: string; next: boolean } = { next: false };
    const res = {
      headersSent: false,
      writeHead(status: number, h: Record<string, unknown>) {
        out.status = status;
        out.headers = h;
      },
      end(body?: string) {
        out.body = body;
      },
    } as unknown as ServerResponse;
    mw(req, res, () => void (out.next = true));
    return { out, req };
  }

  it("lets a valid session through and sets req.pairgate", () => {
    const { out, req } = run(requireDevice({ pairgate: { sessions } }), { cookie: `${PLAIN_COOKIE}=viewer-token` });
    expect(out.next).toBe(true);
    expect(req.pairgate).toEqual({ device: { id: "dev_1", name: "Laptop" }, role: "viewer", sessionId: "ses_1" });
  });

  it("answers 401 JSON without a session, 403 below the role, and redirects a navigation to loginPath with rd", () => {
    expect(run(requireDevice({ pairgate: { sessions } }), {}).out).toMatchObject({ status: 401, next: false });
    expect(JSON.parse(run(requireDevice({ pairgate: { sessions } }), {}).out.body!).error.code).toBe("session_required");
    const low = run(requireDevice({ pairgate: { sessions }, role: "admin" }), { cookie: `${PLAIN_COOKIE}=viewer-token` }).out;
    expect([low.status, JSON.parse(low.body!).error.code, low.next]).toEqual([403, "role_too_low", false]);
    expect(run(requireDevice({ pairgate: { sessions }, role: "admin" }), { cookie: `${PLAIN_COOKIE}=admin-token` }).out.next).toBe(true);
    const nav = run(requireDevice({ pairgate: { sessions }, loginPath: "/pair" }), { "sec-fetch-mode": "navigate" }).out;
    expect([nav.status, nav.headers?.Location]).toEqual([302, `/pair?rd=${encodeURIComponent("/reports?x=1")}`]);
  });
});
