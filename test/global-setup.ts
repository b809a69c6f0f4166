// Builds the gateway bundle and the dashboard once per test run, so e2e and CLI tests exercise exactly
// what `npm start` serves.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export default function setup(): void {
  if (process.env.PAIRGATE_SKIP_BUILD) return;
  const r = spawnSync("npm", ["run", "--silent", "build"], { cwd: resolve(import.meta.dirname, ".."), stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm run build failed; see the output above");
}
