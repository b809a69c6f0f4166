// What the fuzz throws at /ws: a generated "wire frame" is text, binary, or raw bytes on the TCP socket, built to
// look almost right (valid hellos and reqs with one field of the wrong type), or plainly wrong (huge strings, deep
// nesting, bad UTF-8, reserved opcodes). Each one carries how it is sent, so the test can replay it exactly.
import fc from "fast-check";
import { encodeB64u, MAX_FRAME_BYTES, PROTOCOL_VERSION } from "../../../shared/index.js";

export type WireFrame =
  | { kind: "text"; text: string; label: string }
  | { kind: "binary"; bytes: Uint8Array; label: string }
  | { kind: "badUtf8"; bytes: Uint8Array; label: string }
  | { kind: "rawWire"; bytes: Uint8Array; label: string };

const b64 = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => encodeB64u(b));

/** A hello the schema accepts (random key and signature: verification will fail). */
export const schemaValidHello = fc.record({
  type: fc.constant("hello"),
  protocol: fc.constant(PROTOCOL_VERSION),
  publicKey: b64(32),
  signedAtMs: fc.constant(Date.now()),
  signature: b64(64),
  keyStorage: fc.constantFrom("webcrypto", "software"),
  client: fc.record({ name: fc.string({ maxLength: 64 }), userAgent: fc.string({ maxLength: 512 }) }),
});

const weird = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  // biome-ignore lint/correctness/noPrecisionLoss: 1e309 is Infinity on purpose, a number JSON can't carry
  fc.constantFrom(null, true, -0, 1e309, -1, 2 ** 53 + 2, "", "hello", "req", "__proto__", [], {}, "𝔭𝔞𝔦𝔯", "\u0000", "\ud800"),
  fc.string({ unit: "binary", maxLength: 200 }),
);

/** A valid-looking frame with one field replaced (or deleted, or added) with a value of the wrong shape. */
function oneFieldWrong(template: fc.Arbitrary<Record<string, unknown>>) {
  return fc.tuple(template, fc.nat(), weird, fc.boolean()).map(([t, i, value, remove]) => {
    const keys = Object.keys(t);
    const key = keys[i % keys.length]!;
    const copy: Record<string, unknown> = { ...t };
    if (remove) delete copy[key];
    else copy[key] = value;
    return copy;
  });
}

const req = fc.record({
  type: fc.constant("req"),
  id: fc.string({ minLength: 1, maxLength: 64 }),
  method: fc.oneof(fc.constantFrom("gateway.status", "devices.list", "devices.approve", "audit.list", "devices.revoke"), fc.string({ maxLength: 80 })),
  params: fc.jsonValue({ maxDepth: 3 }),
});

const nestingDepth = fc.integer({ min: 50, max: 30_000 });
const deepArray = nestingDepth.map((d) => "[".repeat(d) + "]".repeat(d));
const deepObject = nestingDepth.map((d) => '{"a":'.repeat(d) + "1" + "}".repeat(d));
const deepInHello = fc.tuple(schemaValidHello, fc.integer({ min: 50, max: 10_000 })).map(([h, d]) => {
  const text = JSON.stringify({ ...h, client: "@@" });
  return text.replace('"@@"', "[".repeat(d) + "]".repeat(d));
});

/** Strings right at and over the 64 KiB frame limit, inside an otherwise valid-looking frame. */
const huge = fc
  .tuple(
    fc.constantFrom(MAX_FRAME_BYTES - 200, MAX_FRAME_BYTES - 1, MAX_FRAME_BYTES, MAX_FRAME_BYTES + 1, 200_000),
    fc.constantFrom("name", "signature", "invite", "type"),
  )
  .map(([n, field]) => JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, [field]: "x".repeat(n) }));

const invalidUtf8Sequences = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xf4, 0x90, 0x80, 0x80]];
const badUtf8 = fc
  .tuple(fc.string({ maxLength: 100 }), fc.constantFrom(...invalidUtf8Sequences), fc.string({ maxLength: 100 }))
  .map(([a, bad, b]) => Uint8Array.from([...Buffer.from(`{"type":"hello","x":"${a}`), ...bad, ...Buffer.from(`${b}"}`)]));

/** Hand-built WebSocket frames (RFC 6455 §5.2) the ws client would never send: unmasked, reserved bits/opcodes, bad control frames. */
function wireFrame(fin: boolean, rsv: number, opcode: number, payload: Uint8Array, masked: boolean): Uint8Array {
  const head = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  const len = payload.length;
  if (len < 126) head.push((masked ? 0x80 : 0) | len);
  else head.push((masked ? 0x80 : 0) | 126, len >> 8, len & 0xff);
  const mask = [0x12, 0x34, 0x56, 0x78];
  const body = masked ? payload.map((b, i) => b ^ mask[i % 4]!) : payload;
  return Uint8Array.from([...head, ...(masked ? mask : []), ...body]);
}
const rawWire = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((p) => ({ bytes: wireFrame(true, 0, 1, p, false), label: "unmasked text frame" })),
  fc
    .tuple(fc.constantFrom(3, 4, 5, 6, 7, 11, 12, 13, 14, 15), fc.uint8Array({ maxLength: 20 }))
    .map(([op, p]) => ({ bytes: wireFrame(true, 0, op, p, true), label: `reserved opcode ${op}` })),
  fc
    .tuple(fc.integer({ min: 1, max: 7 }), fc.uint8Array({ maxLength: 20 }))
    .map(([rsv, p]) => ({ bytes: wireFrame(true, rsv, 1, p, true), label: `rsv bits ${rsv}` })),
  fc.uint8Array({ minLength: 126, maxLength: 300 }).map((p) => ({ bytes: wireFrame(true, 0, 9, p, true), label: "ping over 125 bytes" })),
  fc.uint8Array({ maxLength: 20 }).map((p) => ({ bytes: wireFrame(false, 0, 9, p, true), label: "fragmented ping" })),
  fc.uint8Array({ maxLength: 20 }).map((p) => ({ bytes: wireFrame(true, 0, 0, p, true), label: "continuation with nothing to continue" })),
  fc
    .constantFrom(999, 1004, 1005, 1006, 1015, 2999, 5000)
    .map((code) => ({ bytes: wireFrame(true, 0, 8, Uint8Array.from([code >> 8, code & 0xff]), true), label: `close code ${code}` })),
  fc.constant({ bytes: wireFrame(true, 0, 8, Uint8Array.from([3]), true), label: "close frame with a 1-byte body" }),
  // Complete frames only: a truncated header would just wait for more bytes until the 10 s handshake deadline.
);

const text =
  (label: string) =>
  (t: string): WireFrame => ({ kind: "text", text: t, label });

/** Everything sent before authentication: one frame per socket. */
export const preAuthFrame: fc.Arbitrary<WireFrame> = fc.oneof(
  { weight: 6, arbitrary: oneFieldWrong(schemaValidHello).map((o) => text("hello with one field wrong")(JSON.stringify(o))) },
  { weight: 3, arbitrary: schemaValidHello.map((o) => text("schema-valid hello, bad signature")(JSON.stringify(o))) },
  { weight: 2, arbitrary: req.map((o) => text("req before hello")(JSON.stringify(o))) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => text("random JSON")(JSON.stringify(v) ?? "null")) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 300 }).map(text("random text")) },
  { weight: 1, arbitrary: fc.oneof(deepArray, deepObject, deepInHello).map(text("deep nesting")) },
  { weight: 1, arbitrary: huge.map(text("huge string")) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes): WireFrame => ({ kind: "binary", bytes, label: "binary frame" })) },
  { weight: 2, arbitrary: badUtf8.map((bytes): WireFrame => ({ kind: "badUtf8", bytes, label: "text frame with invalid UTF-8" })) },
  { weight: 2, arbitrary: rawWire.map(({ bytes, label }): WireFrame => ({ kind: "rawWire", bytes, label })) },
);

/** Requests an authenticated admin may send: always a well-formed req (unique id), with fuzzed method and params. */
export const authRequest = fc.record({
  method: fc.oneof(
    fc.constantFrom(
      "gateway.status",
      "devices.list",
      "devices.approve",
      "devices.reject",
      "devices.rename",
      "invites.create",
      "invites.revoke",
      "audit.list",
      "constructor",
      "__proto__",
      "toString",
    ),
    fc.string({ minLength: 1, maxLength: 64 }),
  ),
  params: fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.record(
      { code: weird, role: weird, name: weird, requestId: weird, inviteId: weird, limit: weird, beforeId: weird, ttlMs: weird, label: weird },
      { requiredKeys: [] },
    ),
    // Nested values built here too, so kept shallow enough for this process's own JSON.stringify.
    fc.integer({ min: 50, max: 1000 }).map((d) => JSON.parse("[".repeat(d) + "]".repeat(d)) as unknown),
  ),
});

/** Frames that are not a req: in an authenticated session each one must close it with bad_frame. */
export const authGarbage: fc.Arbitrary<WireFrame> = fc.oneof(
  oneFieldWrong(req).map((o) => text("req with one field wrong")(JSON.stringify(o))),
  schemaValidHello.map((o) => text("hello after welcome")(JSON.stringify(o))),
  fc.uint8Array({ maxLength: 64 }).map((bytes): WireFrame => ({ kind: "binary", bytes, label: "binary frame" })),
  badUtf8.map((bytes): WireFrame => ({ kind: "badUtf8", bytes, label: "text frame with invalid UTF-8" })),
  huge.map(text("huge string")),
);
