// pairgate/react's one CSS file must live beside an app's own styles: every class prefixed "pg-", every colour a
// --pg-* variable (defined once, on .pg-root), and no selector that reaches elements outside pairgate's markup.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const css = readFileSync(resolve(import.meta.dirname, "../../web/src/react/styles.css"), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
const rules = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => ({ selector: m[1]!.trim(), body: m[2]! }));
const COLOR = /#[0-9a-f]{3,8}\b|\brgba?\(|\bhsla?\(|\b(white|black|red|blue|green|gray|grey)\b/i;

describe("pairgate/react styles.css", () => {
  it("has rules to check", () => {
    expect(rules.length).toBeGreaterThan(10);
  });

  it("every selector starts at a pg- class: no element, universal, :root or html/body rule (no global reset)", () => {
    const selectors = rules.filter((r) => !r.selector.startsWith("@")).flatMap((r) => r.selector.split(",").map((s) => s.trim()));
    for (const s of selectors) expect(s, s).toMatch(/^\.pg-[a-z-]+/);
    for (const cls of css.matchAll(/\.([a-zA-Z][\w-]*)/g)) expect(cls[1], cls[0]).toMatch(/^pg-/);
  });

  it("every colour literal is a --pg-* variable definition; properties use var(--pg-*)", () => {
    for (const { selector, body } of rules) {
      for (const decl of body
        .split(";")
        .map((d) => d.trim())
        .filter(Boolean)) {
        const [prop = "", ...rest] = decl.split(":");
        const value = rest.join(":");
        if (COLOR.test(value)) expect(prop.trim(), `${selector} { ${decl} }`).toMatch(/^--pg-/);
      }
    }
  });

  it("the components use only classes the stylesheet prefixes", () => {
    const tsx = readFileSync(resolve(import.meta.dirname, "../../web/src/react/components.tsx"), "utf8");
    const used = [...tsx.matchAll(/className=\{?["'`]([^"'`]+)["'`]/g)].flatMap((m) => m[1]!.split(/\s+/));
    expect(used.length).toBeGreaterThan(5);
    for (const c of used) expect(c).toMatch(/^pg-/);
  });
});
