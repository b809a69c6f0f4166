// The generated parsers (the browser's for gateway frames and results, web/src/gateway/server-frames.generated.ts;
// the gateway's for browser frames, server/src/gateway/client-frames.generated.ts) against the zod schemas they are
// generated from: the committed files are what the generator writes now, and on examples of every frame and result
// (built from the schemas themselves) with every field broken in every way we can think of, both accept and refuse
// the same values and output the same objects. `npm run generate` rewrites the files (PAIRGATE_REGENERATE=1).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, test } from "vitest";
import type { $ZodType } from "zod/v4/core";
import { generateFrameParsers } from "../../scripts/gen-frame-parsers.js";
import { parseClientFrame } from "../../server/src/gateway/client-frames.generated.js";
import { ClientFrame, ServerFrame } from "../../shared/protocol/frames.js";
import { type ParseResult, parseClientFrame as zodParseClientFrame, parseServerFrame as zodParseServerFrame } from "../../shared/protocol/parse.js";
import { RESULTS } from "../../shared/protocol/results.js";
import { parseResult, parseServerFrame } from "../../web/src/gateway/server-frames.generated.js";

const ROOT = join(import.meta.dirname, "../..");

// biome-ignore lint/suspicious/noExplicitAny: zod's internal definitions are read structurally, as the generator does.
const defOf = (schema: $ZodType): any => (schema as unknown as { _zod: { def: unknown } })._zod.def;

/** Valid examples of a schema: at least one, and one per option of every union inside it (one option varied at a time). */
function examples(schema: $ZodType): unknown[] {
  const def = defOf(schema);
  switch (def.type) {
    case "string": {
      const checks = (def.checks ?? []).map((c: $ZodType) => defOf(c));
      const length =
        checks.find((c: { check: string }) => c.check === "length_equals")?.length ??
        checks.find((c: { check: string }) => c.check === "min_length")?.minimum ??
        0;
      return ["A".repeat(length), ...(length === 0 ? ["app.event"] : [])];
    }
    case "number":
      return def.format === "safeint" ? [1] : [1.5];
    case "boolean":
      return [true, false];
    case "null":
      return [null];
    case "unknown":
      return [{ any: ["thing", 1] }];
    case "literal":
      return def.values;
    case "enum":
      return Object.values(def.entries);
    case "optional":
      return [...examples(def.innerType), undefined];
    case "nullable":
      return [...examples(def.innerType), null];
    case "array":
      return [[], ...examples(def.element).map((e) => [e])];
    case "record":
      return [{}, ...examples(def.valueType).map((v) => ({ k: v }))];
    case "union":
      return def.options.flatMap((o: $ZodType) => examples(o));
    case "object": {
      const keys = Object.keys(def.shape);
      const each = keys.map((k) => examples(def.shape[k]));
      const build = (pick: (i: number) => unknown) => Object.fromEntries(keys.map((k, i) => [k, pick(i)]).filter(([, v]) => v !== undefined));
      const out = [build((i) => each[i]?.[0])];
      keys.forEach((_, i) => {
        for (const alt of each[i]?.slice(1) ?? []) out.push(build((j) => (j === i ? alt : each[j]?.[0])));
      });
      return out;
    }
    default:
      throw new Error(`no examples for ${def.type}`);
  }
}

/** Every length bound in the schemas (minimum, maximum, exact), each with its neighbours: the strings to try. */
function lengthBounds(schema: $ZodType, out = new Set<number>()): Set<number> {
  const def = defOf(schema);
  for (const check of def.checks ?? []) {
    const c = defOf(check);
    for (const n of [c.minimum, c.maximum, c.length]) if (typeof n === "number") for (const m of [n - 1, n, n + 1]) if (m >= 0) out.add(m);
  }
  const children = [def.innerType, def.element, def.valueType, ...(def.options ?? []), ...Object.values(def.shape ?? {})];
  for (const child of children) if (child) lengthBounds(child as $ZodType, out);
  return out;
}
const LENGTHS = [ServerFrame, ClientFrame, ...Object.values(RESULTS)].reduce((set, schema) => lengthBounds(schema as $ZodType, set), new Set([0]));
const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1,
  0.5,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  "",
  "x",
  "=",
  "AAAA=",
  "gateway.status",
  "devices.changed",
  "app.event",
  {},
  [],
  [1],
  { extra: 1 },
  ...[...LENGTHS].map((n) => "A".repeat(n)),
];

/** Every path to a value inside `value`. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function replaced(value: unknown, path: (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (rest.length === 0 && next === undefined) delete copy[head];
  else copy[head] = replaced(copy[head], rest, next);
  return copy;
}

/** Each example, and (once per shape of example) each with one value (or the whole) replaced, or an extra key added to one object. */
function variants(schema: $ZodType): unknown[] {
  const out: unknown[] = [];
  const shapes = new Set<string>();
  for (const example of examples(schema)) {
    out.push(example);
    // Examples that differ only in a leaf's value (another enum member) are kept whole; each shape is broken once.
    const shape = JSON.stringify(paths(example));
    if (shapes.has(shape)) continue;
    shapes.add(shape);
    for (const path of paths(example)) {
      for (const next of REPLACEMENTS) out.push(replaced(example, path, next));
      const at = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], example);
      if (typeof at === "string") out.push(replaced(example, path, `${at}A`), replaced(example, path, at.slice(1)), replaced(example, path, `${at.slice(1)}=`));
      if (typeof at === "number") out.push(replaced(example, path, at + 1), replaced(example, path, at - 1));
      if (at && typeof at === "object" && !Array.isArray(at)) out.push(replaced(example, path, { ...at, unexpected: "kept out" }));
    }
  }
  return out;
}

type Outcome = { ok: true; out: unknown } | { ok: false };
const ofFrame = (r: ParseResult<unknown>): Outcome => (r.ok ? { ok: true, out: r.frame } : { ok: false });
/** The value as it arrives: through JSON, as the parsers get it. */
const wire = (input: unknown): string => JSON.stringify(input) ?? "null";

/** Runs zod and the generated parser on every variant of `schema`; returns what they disagreed on and how many both accepted. */
function compare(schema: $ZodType, zod: (input: unknown) => Outcome, generated: (input: unknown) => Outcome) {
  const inputs = variants(schema);
  const disagreements: unknown[] = [];
  let accepted = 0;
  for (const input of inputs) {
    const expected = zod(input);
    const actual = generated(input);
    if (actual.ok !== expected.ok) disagreements.push({ input: wire(input), zod: expected.ok, generated: actual.ok });
    else if (actual.ok && expected.ok) {
      accepted++;
      // Same values, and the same keys in the same order (what JSON.stringify of a parsed frame would show).
      if (!isDeepStrictEqual(actual.out, expected.out) || JSON.stringify(actual.out) !== JSON.stringify(expected.out))
        disagreements.push({ input: wire(input), zod: expected.out, generated: actual.out });
    }
  }
  return { inputs: inputs.length, accepted, disagreements };
}

describe("the generated frame parsers", () => {
  test("are what the generator writes from today's schemas (npm run generate)", () => {
    for (const { path, source } of generateFrameParsers()) {
      if (process.env.PAIRGATE_REGENERATE === "1") writeFileSync(join(ROOT, path), source);
      expect({ path, source: readFileSync(join(ROOT, path), "utf8") }).toEqual({ path, source });
    }
  });

  test("the browser's accepts, refuses and outputs exactly what zod does, for every server frame variant broken every way", () => {
    const { inputs, accepted, disagreements } = compare(
      ServerFrame,
      (input) => ofFrame(zodParseServerFrame(wire(input))),
      (input) => ofFrame(parseServerFrame(wire(input))),
    );
    expect(disagreements.slice(0, 5)).toEqual([]);
    // The premise: the examples reach every frame type, and most variants are refused.
    const types = new Set(examples(ServerFrame).map((f) => (f as { type: string }).type));
    expect([...types].sort()).toEqual(["challenge", "error", "event", "pairing", "res", "welcome"]);
    expect(inputs).toBeGreaterThan(20_000);
    expect(accepted).toBeGreaterThan(500);
    expect(accepted).toBeLessThan(inputs / 2);
  });

  test("the gateway's accepts, refuses and outputs exactly what zod does, for every browser frame variant broken every way", () => {
    const { inputs, accepted, disagreements } = compare(
      ClientFrame,
      (input) => ofFrame(zodParseClientFrame(wire(input))),
      (input) => ofFrame(parseClientFrame(wire(input))),
    );
    expect(disagreements.slice(0, 5)).toEqual([]);
    const types = new Set(examples(ClientFrame).map((f) => (f as { type: string }).type));
    expect([...types].sort()).toEqual(["hello", "req"]);
    expect(inputs).toBeGreaterThan(1_000);
    expect(accepted).toBeGreaterThan(10);
    expect(accepted).toBeLessThan(inputs / 2);
    expect(parseClientFrame(" ".repeat(64 * 1024 + 1))).toEqual({ ok: false, reason: "frame too large" });
  });

  test("the browser's accepts, refuses and outputs exactly what zod does, for every built-in method's result", () => {
    let checked = 0;
    for (const [method, schema] of Object.entries(RESULTS)) {
      const zod = (input: unknown): Outcome => {
        const parsed = (schema as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(JSON.parse(wire(input)));
        return parsed.success ? { ok: true, out: parsed.data } : { ok: false };
      };
      const generated = (input: unknown): Outcome => {
        const parsed = parseResult(method, JSON.parse(wire(input)));
        return parsed?.ok ? { ok: true, out: parsed.result } : { ok: false };
      };
      const { inputs, disagreements } = compare(schema as $ZodType, zod, generated);
      expect({ method, disagreements: disagreements.slice(0, 5) }).toEqual({ method, disagreements: [] });
      checked += inputs;
    }
    expect(checked).toBeGreaterThan(10_000);
    expect(parseResult("notes.add", { anything: 1 })).toBeNull();
    expect(parseResult("__proto__", {})).toBeNull();
  });

  test("the browser's says where a frame is wrong, and refuses what isn't a frame at all", () => {
    const welcome = examples(ServerFrame).find((f) => (f as { type: string }).type === "welcome") as { device: object };
    const bad = { ...welcome, device: { ...welcome.device, name: 7 } };
    expect(parseServerFrame(JSON.stringify(bad))).toEqual({ ok: false, reason: "device.name: expected a string at most 64 long" });
    expect(parseServerFrame("{")).toEqual({ ok: false, reason: "not JSON" });
    expect(parseServerFrame(JSON.stringify({ type: "nope" }))).toEqual({ ok: false, reason: "type: unknown type" });
    expect(parseServerFrame(" ".repeat(1024 * 1024 + 1))).toEqual({ ok: false, reason: "frame too large" });
    const reserved = { type: "event", event: "devices.changed", data: {} };
    expect(parseServerFrame(JSON.stringify(reserved)).ok).toBe(false);
    expect(parseServerFrame(JSON.stringify({ ...reserved, event: "notes.changed" }))).toEqual({ ok: true, frame: { ...reserved, event: "notes.changed" } });
  });
});
