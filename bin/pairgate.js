#!/usr/bin/env node
// The `pairgate` command: runs the built gateway bundle. `npm install` builds it; `npm run build` rebuilds it.
import { existsSync } from "node:fs";

const entry = new URL("../dist/server/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("pairgate: not built yet. Run `npm run build` (or `npm install`) in the pairgate folder.\n");
  process.exit(2);
}
const { main } = await import(entry.href);
await main(process.argv.slice(2));
