// Pins the wire protocol: a SHA-256 over the JSON Schema of every frame schema (shared/protocol/frames.ts), every
// RPC method's role, params and result (rpc.ts), every event payload (EVENTS) and every error code with its close
// code (errors.ts). A change to any of them without a PROTOCOL_VERSION bump fails here (STYLE "Tests", after
// rocicorp zero-protocol). After a deliberate change: bump PROTOCOL_VERSION in shared/protocol/version.ts, then
// rewrite the pin with
//   PAIRGATE_UPDATE_PIN=1 PAIRGATE_SKIP_BUILD=1 npx vitest run test/unit/protocol-pin.test.ts
// and commit test/fixtures/protocol-pin.json together with the bump.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod/mini";
import * as frames from "../../shared/protocol/frames.js";
import * as rpc from "../../shared/protocol/rpc.js";
import { ERRORS } from "../../shared/protocol/errors.js";
import { PROTOCOL_VERSION } from "../../shared/protocol/version.js";

const PIN_PATH = resolve(import.meta.dirname, "../fixtures/protocol-pin.json");
const BUMP_MESSAGE = "schemas changed: bump PROTOCOL_VERSION in shared/protocol/version.ts and update test/fixtures/protocol-pin.json";

interface ProtocolPin {
  protocolVersion: number;
  sha256: string;
}

function isSchema(value: unknown): value is z.ZodMiniType {
  return typeof value === "object" && value !== null && "_zod" in value;
}

/** Every zod schema a module exports, by export name, so a new frame is pinned without editing this test. */
function exportedSchemas(mod: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(mod)) if (isSchema(value)) out[name] = z.toJSONSchema(value);
  return out;
}

/** JSON with object keys sorted at every depth, so the hash depends on content, not on declaration order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function protocolSurface(): unknown {
  return {
    frames: exportedSchemas(frames),
    rpcSchemas: exportedSchemas(rpc),
    methods: Object.fromEntries(
      Object.entries(rpc.METHODS).map(([name, m]) => [name, { role: m.role, params: z.toJSONSchema(m.params), result: z.toJSONSchema(m.result) }]),
    ),
    events: Object.fromEntries(Object.entries(frames.EVENTS).map(([name, schema]) => [name, z.toJSONSchema(schema)])),
    // Messages and actions are for people and may be reworded freely; codes and close codes are the contract.
    errors: Object.fromEntries(Object.entries(ERRORS).map(([code, e]) => [code, e.close])),
  };
}

function protocolHash(): string {
  return createHash("sha256").update(canonicalJson(protocolSurface())).digest("hex");
}

describe("protocol pin", () => {
  it("hashes the same protocol surface the same way every time, whatever the key order", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(protocolHash()).toBe(protocolHash());
  });

  it("covers every frame, method, event and error code", () => {
    const surface = protocolSurface() as { frames: object; methods: object; events: object; errors: object };
    expect(Object.keys(surface.frames)).toEqual(
      expect.arrayContaining(["HelloFrame", "ReqFrame", "ChallengeFrame", "WelcomeFrame", "PairingFrame", "ErrorFrame", "ResFrame", "EventFrame"]),
    );
    expect(Object.keys(surface.methods).sort()).toEqual([...rpc.METHOD_NAMES].sort());
    expect(Object.keys(surface.events).sort()).toEqual(Object.keys(frames.EVENTS).sort());
    expect(Object.keys(surface.errors).sort()).toEqual(Object.keys(ERRORS).sort());
  });

  it("changes the hash when a frame gains a field or an error changes its close code", () => {
    const hash = (value: unknown) => createHash("sha256").update(canonicalJson(value)).digest("hex");
    const surface = protocolSurface() as { frames: Record<string, unknown>; errors: Record<string, unknown> };
    expect(hash(surface)).toBe(protocolHash());
    const widened = z.extend(frames.HelloFrame, { extra: z.optional(z.string()) });
    expect(hash({ ...surface, frames: { ...surface.frames, HelloFrame: z.toJSONSchema(widened) } })).not.toBe(protocolHash());
    expect(hash({ ...surface, errors: { ...surface.errors, bad_frame: 4401 } })).not.toBe(protocolHash());
  });

  it("matches the pinned hash for this PROTOCOL_VERSION", () => {
    const current: ProtocolPin = { protocolVersion: PROTOCOL_VERSION, sha256: protocolHash() };
    if (process.env.PAIRGATE_UPDATE_PIN === "1") {
      writeFileSync(PIN_PATH, `${JSON.stringify(current, null, 2)}\n`);
      return;
    }
    const pinned = JSON.parse(readFileSync(PIN_PATH, "utf8")) as ProtocolPin;
    if (pinned.protocolVersion === current.protocolVersion) {
      expect(current.sha256, BUMP_MESSAGE).toBe(pinned.sha256);
    } else {
      const hint = `PROTOCOL_VERSION is ${current.protocolVersion} but the pin is for ${pinned.protocolVersion}: rerun with PAIRGATE_UPDATE_PIN=1 to pin the new version`;
      expect(current, hint).toEqual(pinned);
    }
  });
});
