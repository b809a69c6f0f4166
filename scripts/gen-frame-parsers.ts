// Writes the parsers each edge runs on what the other sends, as plain TypeScript, from the zod schemas in
// shared/protocol: the browser's for the gateway's frames and the built-in methods' results, and the gateway's for
// the browser's frames. The schemas stay the one definition of each message; the browser doesn't ship zod (it was
// 10 kB of the client's 18 kB), and the gateway's hello check runs without zod's generic machinery (it is on every
// handshake). docs/performance.md has the figures.
//
// test/unit/frame-parsers.test.ts fails when a committed file is not what this writes, and checks each generated
// parser against zod on every field of every message, valid and broken; `npm run generate` rewrites the files.
// What a generated parser does is what zod does with these schemas: the same values pass, objects come out with only
// their schema's keys, in the schema's order. A schema feature not handled here throws at generation time.
import type { $ZodType } from "zod/v4/core";
import { ClientFrame, ServerFrame } from "../shared/protocol/frames.js";
import { isAppName } from "../shared/protocol/reserved-names.js";
import { RESULTS } from "../shared/protocol/results.js";

/** The refinements the schemas use, by identity, with the name the generated code imports them under. */
const PREDICATES = new Map<unknown, string>([[isAppName, "isAppName"]]);

// biome-ignore lint/suspicious/noExplicitAny: zod's internal definitions are read structurally here.
type Def = any;
const defOf = (schema: $ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

class Generator {
  /** The PREDICATES the generated code calls (all from shared/protocol/reserved-names.ts). */
  readonly predicates = new Set<string>();
  readonly #names = new Map<$ZodType, string>();
  readonly #bodies = new Map<string, string>(); // body → name: identical leaves share one function
  readonly #lines: string[] = [];
  readonly #regexes = new Map<string, string>();
  readonly #sets = new Map<string, string>();

  /** The name of a function `(x) => parsed value | F` for this schema, emitting it (and what it uses) once. */
  fn(schema: $ZodType): string {
    const known = this.#names.get(schema);
    if (known) return known;
    const name = this.#emit(this.#body(schema));
    this.#names.set(schema, name);
    return name;
  }

  /** Whether the schema's output is its input itself (no object inside to strip). */
  isIdentity(schema: $ZodType): boolean {
    const def = defOf(schema);
    if (def.type === "optional" || def.type === "nullable") return this.isIdentity(def.innerType);
    if (def.type === "union") return def.options.every((o: $ZodType) => this.isIdentity(o));
    if (def.type === "array") return this.isIdentity(def.element);
    return ["string", "number", "boolean", "null", "literal", "enum", "unknown"].includes(def.type);
  }

  imports(): string {
    return this.predicates.size ? `import { ${[...this.predicates].sort().join(", ")} } from "../../../shared/protocol/reserved-names.js";` : "";
  }

  source(): string {
    return [...this.#regexes.entries()]
      .map(([src, n]) => `const ${n} = ${src};`)
      .concat(
        [...this.#sets.entries()].map(([src, n]) => `const ${n} = new Set(${src});`),
        this.#lines,
      )
      .join("\n");
  }

  #emit(body: string): string {
    const known = this.#bodies.get(body);
    if (known) return known;
    const name = `p${this.#bodies.size}`;
    this.#bodies.set(body, name);
    this.#lines.push(`function ${name}(x: any): any ${body}`);
    return name;
  }

  #body(schema: $ZodType): string {
    const def = defOf(schema);
    switch (def.type) {
      case "string":
        return this.#leaf(['typeof x === "string"', ...this.#checks(def)], "a string" + this.#describe(def));
      case "number": {
        if (def.format !== undefined && def.format !== "safeint") throw new Error(`unsupported number format ${def.format}`);
        const base = def.format === "safeint" ? "Number.isSafeInteger(x)" : 'typeof x === "number" && Number.isFinite(x)';
        return this.#leaf([base, ...this.#checks(def)], (def.format === "safeint" ? "an integer" : "a number") + this.#describe(def));
      }
      case "boolean":
        return this.#leaf(['typeof x === "boolean"'], "a boolean");
      case "null":
        return this.#leaf(["x === null"], "null");
      case "unknown":
        return "{ return x; }";
      case "literal":
        return this.#leaf(
          [def.values.map((v: unknown) => `x === ${JSON.stringify(v)}`).join(" || ")],
          def.values.map((v: unknown) => JSON.stringify(v)).join(" or "),
        );
      case "enum": {
        const values = Object.values(def.entries);
        return this.#leaf([`${this.#set(values)}.has(x)`], `one of ${values.join(", ")}`);
      }
      case "optional":
        return `{ return x === undefined ? undefined : ${this.fn(def.innerType)}(x); }`;
      case "nullable":
        return `{ return x === null ? null : ${this.fn(def.innerType)}(x); }`;
      case "array": {
        const el = this.fn(def.element);
        if (def.checks?.length) throw new Error("unsupported: array checks");
        if (this.isIdentity(def.element))
          return `{ if (!Array.isArray(x)) return fail("expected an array"); for (let i = 0; i < x.length; i++) if (${el}(x[i]) === F) return at(i); return x; }`;
        return `{ if (!Array.isArray(x)) return fail("expected an array"); const out = new Array(x.length); for (let i = 0; i < x.length; i++) { const v = ${el}(x[i]); if (v === F) return at(i); out[i] = v; } return out; }`;
      }
      case "record": {
        if (defOf(def.keyType).type !== "string" || defOf(def.keyType).checks?.length) throw new Error("unsupported: record keys other than any string");
        // Identity only: copying into a new object would turn a "__proto__" key into a prototype.
        if (!this.isIdentity(def.valueType)) throw new Error("unsupported: record values that are objects");
        const value = this.fn(def.valueType);
        return `{ if (!isObject(x)) return fail("expected an object"); for (const k of Object.keys(x)) if (${value}(x[k]) === F) return at(k); return x; }`;
      }
      case "object":
        return this.#object(def);
      case "union":
        return this.#union(schema);
      default:
        throw new Error(`unsupported schema type ${def.type}`);
    }
  }

  #leaf(conditions: string[], expected: string): string {
    return `{ return ${conditions.map((c) => (c.includes("||") ? `(${c})` : c)).join(" && ")} ? x : fail(${JSON.stringify(`expected ${expected}`)}); }`;
  }

  #checks(def: Def): string[] {
    return (def.checks ?? []).map((check: $ZodType) => {
      const c = defOf(check);
      switch (c.check) {
        case "min_length":
          return `x.length >= ${c.minimum}`;
        case "max_length":
          return `x.length <= ${c.maximum}`;
        case "length_equals":
          return `x.length === ${c.length}`;
        case "greater_than":
          return `x ${c.inclusive ? ">=" : ">"} ${c.value}`;
        case "string_format":
          if (c.format !== "regex") throw new Error(`unsupported string format ${c.format}`);
          return `${this.#regex(c.pattern)}.test(x)`;
        case "custom": {
          const name = PREDICATES.get(c.fn);
          if (!name) throw new Error("unsupported: a refinement not listed in PREDICATES");
          this.predicates.add(name);
          return `${name}(x)`;
        }
        default:
          throw new Error(`unsupported check ${c.check}`);
      }
    });
  }

  #describe(def: Def): string {
    const parts = (def.checks ?? []).map((check: $ZodType) => {
      const c = defOf(check);
      if (c.check === "min_length") return `at least ${c.minimum} long`;
      if (c.check === "max_length") return `at most ${c.maximum} long`;
      if (c.check === "length_equals") return `${c.length} long`;
      if (c.check === "greater_than") return `${c.inclusive ? "≥" : ">"} ${c.value}`;
      if (c.check === "string_format") return `matching ${c.pattern}`;
      return "allowed here";
    });
    return parts.length ? ` ${parts.join(", ")}` : "";
  }

  #object(def: Def): string {
    const keys = Object.keys(def.shape);
    if (def.catchall && defOf(def.catchall).type !== "never") throw new Error("unsupported: object catchall");
    // Literal keys first: a union's wrong option fails on its first line.
    const ordered = [...keys].sort((a, b) => Number(defOf(def.shape[b]).type === "literal") - Number(defOf(def.shape[a]).type === "literal"));
    const lines = ['if (!isObject(x)) return fail("expected an object");'];
    ordered.forEach((key) => {
      const i = keys.indexOf(key);
      // zod wants the key present even when any value passes (an optional key may be absent).
      if (defOf(def.shape[key]).type === "unknown")
        lines.push(`if (!Object.hasOwn(x, ${JSON.stringify(key)})) return failAt(${JSON.stringify(key)}, "required");`);
      lines.push(`const v${i} = ${this.fn(def.shape[key])}(x[${JSON.stringify(key)}]); if (v${i} === F) return at(${JSON.stringify(key)});`);
    });
    // Built in the schema's key order, as zod's output is; zod leaves out a key whose value came out undefined
    // (absent, or optional), and so does this.
    lines.push("const out: any = {};");
    keys.forEach((k, i) =>
      lines.push(this.#mayBeUndefined(def.shape[k]) ? `if (v${i} !== undefined) out[${JSON.stringify(k)}] = v${i};` : `out[${JSON.stringify(k)}] = v${i};`),
    );
    lines.push("return out;");
    return `{ ${lines.join(" ")} }`;
  }

  #mayBeUndefined(schema: $ZodType): boolean {
    const t = defOf(schema).type;
    return t === "optional" || t === "unknown";
  }

  /**
   * zod returns the first option that passes. Options that are objects with a literal at a common key (`type`) are
   * tried only when that literal matches, in their order; nested unions are flattened (first-pass order is kept).
   * When every option fails, the deepest failure is the one reported.
   */
  #union(schema: $ZodType): string {
    const options = this.#flatten(schema);
    const literalAt = (o: $ZodType, key: string): unknown[] | null => {
      const d = defOf(o);
      if (d.type !== "object" || !d.shape[key]) return null;
      const k = defOf(d.shape[key]);
      return k.type === "literal" ? k.values : null;
    };
    const discriminator = ["type", "event", "ok"].find((key) => options.every((o) => literalAt(o, key)));
    const tryAll = (opts: $ZodType[]) => {
      if (opts.length === 1) return `return ${this.fn(opts[0] as $ZodType)}(x);`;
      return `return first(x, [${opts.map((o) => this.fn(o)).join(", ")}]);`;
    };
    if (!discriminator) return `{ ${tryAll(options)} }`;
    const groups = new Map<string, $ZodType[]>();
    for (const o of options) {
      for (const v of literalAt(o, discriminator) ?? []) {
        const k = JSON.stringify(v);
        groups.set(k, [...(groups.get(k) ?? []), o]);
      }
    }
    const cases = [...groups.entries()].map(([v, opts]) => `case ${v}: ${tryAll(opts)}`);
    return `{ if (!isObject(x)) return fail("expected an object"); switch (x[${JSON.stringify(discriminator)}]) { ${cases.join(" ")} default: return failAt(${JSON.stringify(discriminator)}, "unknown ${discriminator}"); } }`;
  }

  #flatten(schema: $ZodType): $ZodType[] {
    const def = defOf(schema);
    return def.type === "union" ? def.options.flatMap((o: $ZodType) => this.#flatten(o)) : [schema];
  }

  #regex(pattern: RegExp): string {
    const src = String(pattern);
    if (!this.#regexes.has(src)) this.#regexes.set(src, `R${this.#regexes.size}`);
    return this.#regexes.get(src) as string;
  }

  #set(values: unknown[]): string {
    const src = JSON.stringify(values);
    if (!this.#sets.has(src)) this.#sets.set(src, `S${this.#sets.size}`);
    return this.#sets.get(src) as string;
  }
}

/** The import of shared/protocol/parser-runtime.ts, naming only what `body` uses (unused imports fail the typecheck). */
const runtimeImport = (body: string) => {
  const calls = ["at", "fail", "failAt", "first", "isObject", "parseText", "reason"].filter((name) => new RegExp(`\\b${name}\\(`).test(body));
  const used = [...calls, ...(/=== F\b/.test(body) ? ["F"] : [])].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }));
  return `import { ${used.join(", ")}, type ParseResult } from "../../../shared/protocol/parser-runtime.js";`;
};

const banner = (from: string) => `// GENERATED by scripts/gen-frame-parsers.ts from the zod schemas in shared/protocol (${from}).
// Do not edit: change the schemas and run \`npm run generate\`. test/unit/frame-parsers.test.ts checks that this
// file is current and that it accepts, refuses and outputs exactly what zod does.`;

export interface GeneratedParser {
  path: string;
  source: string;
}

/** A generated module: banner, imports (the runtime's as used), the parse functions, then `body`'s exports. */
function parserModule(g: Generator, from: string, imports: string[], exports: string): string {
  const body = `${g.source()}\n${exports}`;
  return [banner(from), ...imports, runtimeImport(body), ...(g.imports() ? [g.imports()] : []), "", body].join("\n");
}

/** The browser's: every gateway frame, and each built-in method's result. */
function browserParser(): GeneratedParser {
  const g = new Generator();
  const frame = g.fn(ServerFrame);
  const results = Object.entries(RESULTS).map(([method, schema]) => `  ${JSON.stringify(method)}: ${g.fn(schema)},`);
  const exports = `
const RESULTS: Record<string, (x: unknown) => unknown> = {
${results.join("\n")}
};

/** The generated twin of shared/protocol/parse.ts's parseServerFrame. */
export function parseServerFrame(text: string): ParseResult<ServerFrame> {
  return parseText(text, MAX_SERVER_FRAME_BYTES, ${frame});
}

/** A built-in method's result, checked against its schema in results.ts; null for any other method (an app's own). */
export function parseResult(method: string, value: unknown): { ok: true; result: unknown } | { ok: false; reason: string } | null {
  const parse = Object.hasOwn(RESULTS, method) ? RESULTS[method] : undefined;
  if (!parse) return null;
  const result = parse(value);
  return result === F ? { ok: false, reason: reason() } : { ok: true, result };
}
`;
  const imports = [
    'import type { ServerFrame } from "../../../shared/protocol/frames.js";',
    'import { MAX_SERVER_FRAME_BYTES } from "../../../shared/protocol/version.js";',
  ];
  return { path: "web/src/gateway/server-frames.generated.ts", source: parserModule(g, "frames.ts, results.ts", imports, exports) };
}

/** The gateway's: every browser frame (hello, req). */
function gatewayParser(): GeneratedParser {
  const g = new Generator();
  const frame = g.fn(ClientFrame);
  const exports = `
/** The generated twin of shared/protocol/parse.ts's parseClientFrame. */
export function parseClientFrame(text: string): ParseResult<ClientFrame> {
  return parseText(text, MAX_FRAME_BYTES, ${frame});
}
`;
  const imports = [
    'import type { ClientFrame } from "../../../shared/protocol/frames.js";',
    'import { MAX_FRAME_BYTES } from "../../../shared/protocol/version.js";',
  ];
  return { path: "server/src/gateway/client-frames.generated.ts", source: parserModule(g, "frames.ts", imports, exports) };
}

export function generateFrameParsers(): GeneratedParser[] {
  return [browserParser(), gatewayParser()];
}
