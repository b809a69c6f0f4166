// Some tests run the CLI as another user (uid 1000, the image's user). That user must be able to read what it
// runs, and a checkout in a private directory (mode 0700, as a home directory often is) is not readable to it.
// This copies the runnable install (package.json, bin/, dist/server, dist/web and the production dependencies)
// into a world-readable temp dir, so those tests pass from any checkout path.
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { REPO_ROOT } from "./gateway-harness.js";

export interface ReadableInstall {
  root: string;
  bin: string;
  remove(): void;
}

export function readableInstall(): ReadableInstall {
  const root = mkdtempSync(join(tmpdir(), "pg-readable-install-"));
  chmodSync(root, 0o755);
  for (const path of ["package.json", "bin", "dist/server", "dist/web"]) cpSync(join(REPO_ROOT, path), join(root, path), { recursive: true });
  // Every production dependency, hoisted or nested, as npm resolved it; a top-level copy brings its nested ones.
  const deps = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: REPO_ROOT, encoding: "utf8" })
    .split("\n")
    .map((line) => relative(REPO_ROOT, line.trim()))
    .filter((path) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path));
  for (const dep of new Set(deps)) cpSync(join(REPO_ROOT, dep), join(root, dep), { recursive: true });
  for (const dir of ["bin", "dist", "node_modules"]) execFileSync("chmod", ["-R", "a+rX", join(root, dir)]);
  return { root, bin: join(root, "bin/pairgate.js"), remove: () => rmSync(root, { recursive: true, force: true }) };
}
