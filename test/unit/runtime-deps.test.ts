// What `npm run build` (the test global setup) produced is what users run: the gateway bundle imports only runtime
// dependencies (the Docker image prunes devDependencies), and the dashboard is React's production build.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/gateway-harness.js";

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

describe("the dashboard build", () => {
  it("is React's production build, not the development one", () => {
    const assets = join(REPO_ROOT, "dist/web/assets");
    const entries = readdirSync(assets).filter((f) => /^index-.*\.js$/.test(f));
    expect(entries.length).toBeGreaterThan(0);
    for (const file of entries) expect(readFileSync(join(assets, file), "utf8")).not.toContain("react.dev/link/react-devtools");
  });
});
