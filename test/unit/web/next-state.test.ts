// nextState as a table: each row is a state, an event and the state it must lead to. No socket, timer or key.
// The reconnect policy's decisions get their own table below.
import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../../../shared/protocol/errors.js";
import type { PairingFrame, WelcomeFrame } from "../../../shared/protocol/frames.js";
import type { GatewayState } from "../../../web/src/gateway/gateway-state.js";
import { nextState, type GatewayEvent } from "../../../web/src/gateway/next-state.js";
import { QUICK_DROP_MS, ReconnectPolicy, type Reaction } from "../../../web/src/gateway/reconnect-policy.js";
import { deviceView, pairingFrame, welcomeFrame } from "../../support/web-client.js";

const NOW = 1_764_028_800_000;
const pairing = pairingFrame(NOW) as PairingFrame;
const welcome = welcomeFrame() as WelcomeFrame;
const PENDING: GatewayState = { status: "pending", request: pairing.request, approveCommand: pairing.approveCommand, gateway: pairing.gateway };
const PAIRED: GatewayState = { status: "paired", device: welcome.device, role: welcome.role, gateway: welcome.gateway };
const CONNECTING: GatewayState = { status: "connecting", resume: null };
const UNREACHABLE: GatewayState = { status: "unreachable", attempt: 2, retryAtMs: NOW + 2000, reason: "no_connection" };
const REVOKED: GatewayState = { status: "revoked", byName: "ops", atMs: NOW, reason: "revoked" };
const renamed = deviceView({ name: "Renamed laptop" });
const other = deviceView({ id: "b".repeat(64), name: "Other" });

const refused = (code: Extract<GatewayEvent, { type: "refused" }>["code"], over: Partial<Extract<GatewayEvent, { type: "refused" }>> = {}): GatewayEvent => ({
  type: "refused",
  code,
  message: null,
  revokedBy: null,
  nowMs: NOW,
  clockSkewMs: null,
  ...over,
});

const TABLE: Array<[string, GatewayState, GatewayEvent, GatewayState]> = [
  ["connect from nothing shows a plain spinner", CONNECTING, { type: "connect" }, CONNECTING],
  ["connect while pending keeps the code up", PENDING, { type: "connect" }, { status: "connecting", resume: PENDING }],
  ["connect while paired keeps the device up", PAIRED, { type: "connect" }, { status: "connecting", resume: PAIRED }],
  ["a second connect keeps what the first kept", { status: "connecting", resume: PAIRED }, { type: "connect" }, { status: "connecting", resume: PAIRED }],
  ["connect after a failure forgets the failure", UNREACHABLE, { type: "connect" }, CONNECTING],
  ["connect after a revoke does not resume", REVOKED, { type: "connect" }, CONNECTING],
  ["a pairing frame shows the code", CONNECTING, { type: "pairing", frame: pairing }, PENDING],
  ["a welcome while pending pairs", PENDING, { type: "welcome", frame: welcome }, PAIRED],
  ["a welcome after reconnecting pairs", { status: "connecting", resume: PAIRED }, { type: "welcome", frame: welcome }, PAIRED],
  ["this device renamed", PAIRED, { type: "device_updated", device: renamed }, { ...PAIRED, device: renamed }],
  ["another device renamed changes nothing", PAIRED, { type: "device_updated", device: other }, PAIRED],
  ["a device update while pending changes nothing", PENDING, { type: "device_updated", device: renamed }, PENDING],
  [
    "revoked with the frame's revoker",
    PAIRED,
    refused("device_revoked", { revokedBy: { byName: "ops", atMs: NOW - 5 } }),
    { status: "revoked", byName: "ops", atMs: NOW - 5, reason: "revoked" },
  ],
  ["revoked with no revoker known", PAIRED, refused("device_revoked"), { status: "revoked", byName: "an admin", atMs: NOW, reason: "revoked" }],
  [
    "revoked with an empty revoker name",
    PAIRED,
    refused("device_revoked", { revokedBy: { byName: "", atMs: 7 } }),
    { status: "revoked", byName: "an admin", atMs: 7, reason: "revoked" },
  ],
  ["rejected", PENDING, refused("pairing_rejected"), { status: "rejected" }],
  ["expired", PENDING, refused("pairing_expired"), { status: "expired" }],
  [
    "protocol_mismatch with the gateway's text",
    CONNECTING,
    refused("protocol_mismatch", { message: "speak 5" }),
    { status: "protocol_mismatch", detail: "speak 5" },
  ],
  [
    "protocol_mismatch from the close code only",
    CONNECTING,
    refused("protocol_mismatch"),
    { status: "protocol_mismatch", detail: "This dashboard speaks a different protocol version than the gateway." },
  ],
  ["auth_failed with the measured skew", CONNECTING, refused("auth_failed", { clockSkewMs: 190_000 }), { status: "auth_failed", clockSkewMs: 190_000 }],
  [
    "superseded ends on failed",
    PENDING,
    refused("superseded"),
    { status: "failed", code: "superseded", message: "This browser is waiting for approval in newer tabs." },
  ],
  [
    "bad_frame keeps the gateway's text",
    PAIRED,
    refused("bad_frame", { message: "frame: bad" }),
    { status: "failed", code: "bad_frame", message: "frame: bad" },
  ],
  ["an unreadable frame", PAIRED, { type: "incompatible", detail: "x" }, { status: "protocol_mismatch", detail: "x" }],
  [
    "a retry scheduled",
    CONNECTING,
    { type: "retry_scheduled", attempt: 3, retryAtMs: NOW + 4000, reason: "internal" },
    { status: "unreachable", attempt: 3, retryAtMs: NOW + 4000, reason: "internal" },
  ],
  [
    "rate limited",
    CONNECTING,
    { type: "rate_limited", code: "pending_limit", retryAtMs: NOW + 30_000 },
    { status: "rate_limited", code: "pending_limit", retryAtMs: NOW + 30_000 },
  ],
  ["an unreadable key", PENDING, { type: "key_failed", result: { status: "key_unreadable", reason: "r" } }, { status: "key_unreadable", reason: "r" }],
  ["no storage", CONNECTING, { type: "key_failed", result: { status: "storage_unavailable", reason: "s" } }, { status: "storage_unavailable", reason: "s" }],
];

describe("nextState", () => {
  it.each(TABLE)("%s", (_name, state, event, expected) => {
    expect(nextState(state, event)).toEqual(expected);
  });

  it("returns the same object when nothing changes, so listeners are not woken", () => {
    expect(nextState(PAIRED, { type: "device_updated", device: other })).toBe(PAIRED);
    expect(nextState(PENDING, { type: "device_updated", device: renamed })).toBe(PENDING);
  });
});

describe("reconnect policy", () => {
  const policy = (nowMs = () => NOW) => new ReconnectPolicy({ now: nowMs, random: () => 0.5 });
  const REACTIONS: Array<[ErrorCode, Reaction]> = [
    ["invite_invalid", { kind: "reconnect" }],
    ["rate_limited", { kind: "wait", code: "rate_limited", ms: 30_000 }],
    ["pending_limit", { kind: "wait", code: "pending_limit", ms: 30_000 }],
    ["handshake_timeout", { kind: "backoff", reason: "handshake_timeout" }],
    ["shutting_down", { kind: "backoff", reason: "shutting_down" }],
    ["internal", { kind: "backoff", reason: "internal" }],
    ["device_revoked", { kind: "show", code: "device_revoked" }],
    ["pairing_rejected", { kind: "show", code: "pairing_rejected" }],
    ["pairing_expired", { kind: "show", code: "pairing_expired" }],
    ["protocol_mismatch", { kind: "show", code: "protocol_mismatch" }],
    ["superseded", { kind: "show", code: "superseded" }],
    ["bad_frame", { kind: "show", code: "bad_frame" }],
    ["forbidden", { kind: "show", code: "forbidden" }],
    ["not_found", { kind: "show", code: "not_found" }],
    ["invalid_params", { kind: "show", code: "invalid_params" }],
    ["conflict", { kind: "show", code: "conflict" }],
  ];

  it.each(REACTIONS)("%s → %o", (code, reaction) => {
    expect(policy().reactionTo(code, undefined)).toEqual(reaction);
  });

  it("waits the gateway's retryAfterMs when it gives one", () => {
    expect(policy().reactionTo("rate_limited", 1234)).toEqual({ kind: "wait", code: "rate_limited", ms: 1234 });
  });

  it("retries a first auth_failed with a fresh nonce and shows the second, until answered or asked to retry", () => {
    const p = policy();
    expect(p.reactionTo("auth_failed", undefined)).toEqual({ kind: "reconnect" });
    expect(p.reactionTo("auth_failed", undefined)).toEqual({ kind: "show", code: "auth_failed" });
    p.forgetAuthFailures();
    expect(p.reactionTo("auth_failed", undefined)).toEqual({ kind: "reconnect" });
    p.answered();
    expect(p.reactionTo("auth_failed", undefined)).toEqual({ kind: "reconnect" });
  });

  it("backs off 1 s, 2 s, 4 s … and starts over once the gateway answers", () => {
    const p = policy();
    expect([p.nextBackoff(), p.nextBackoff(), p.nextBackoff()]).toEqual([
      { attempt: 1, delayMs: 1000 },
      { attempt: 2, delayMs: 2000 },
      { attempt: 3, delayMs: 4000 },
    ]);
    p.answered();
    expect(p.nextBackoff()).toEqual({ attempt: 1, delayMs: 1000 });
  });

  it("reconnects a dropped socket at once, but not twice within QUICK_DROP_MS", () => {
    let nowMs = NOW;
    const p = policy(() => nowMs);
    expect(p.reconnectsAtOnce()).toBe(true);
    nowMs += QUICK_DROP_MS;
    expect(p.reconnectsAtOnce()).toBe(false);
    nowMs += 1;
    expect(p.reconnectsAtOnce()).toBe(true);
  });
});
