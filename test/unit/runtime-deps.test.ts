// The Docker image prunes devDependencies, so every package the built gateway imports at run time must be a
// runtime dependency. Reads the bundle that `npm run build` (the test global setup) produced.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/gateway-harness.js";

describe("the gateway bundle", () => {
  it("imports only node built-ins and packages listed under dependencies", () => {
    const bundle = readFileSync(join(REPO_ROOT, "dist/server/main.js"), "utf8");
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const specifiers = [...bundle.matchAll(/^import\s[^"']*["']([^"']+)["']/gm)].map((m) => m[1]!);
    const packages = specifiers
      .filter((s) => !s.startsWith("node:") && !s.startsWith("."))
      .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]!));
    expect(packages.length).toBeGreaterThan(0);
    expect(packages.filter((p) => !(p in pkg.dependencies))).toEqual([]);
  });
});
