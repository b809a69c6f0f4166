// Builds the gateway bundle and the dashboard once per test run, so e2e and CLI tests exercise exactly
// what `npm start` serves.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export default function setup(): void {
  if (process.env.PAIRGATE_SKIP_BUILD) return;
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build (about 1.8x the size):
  // the tests must exercise the production dashboard that `npm start` serves.
  // build:lib: the package entries (dist/lib), which the package test and the example app run.
  for (const script of ["build", "build:lib"]) {
    const r = spawnSync("npm", ["run", "--silent", script], {
      cwd: resolve(import.meta.dirname, ".."),
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    });
    if (r.status !== 0) throw new Error(`npm run ${script} failed; see the output above`);
  }
}
