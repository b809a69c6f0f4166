// `npm start`: build the gateway and dashboard when the sources are newer than the build, then run `pairgate start`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const built = ["dist/server/main.js", "dist/web/index.html"].map((f) => join(root, f));
const builtAt = built.every(existsSync) ? Math.min(...built.map((f) => statSync(f).mtimeMs)) : 0;
const sourcesAt = Math.max(...["web", "server", "shared"].map((d) => newestMtime(join(root, d))));
if (sourcesAt > builtAt) {
  console.log("pairgate: building the gateway and dashboard…");
  const r = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const { main } = await import(join(root, "dist/server/main.js"));
await main(["start", ...process.argv.slice(2)]);
