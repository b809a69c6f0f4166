// Vite plugin: builds web/src/boot/start.ts as its own entry chunk and loads it from index.html ahead of the app's
// entry. Module scripts run once their whole import graph is in, so inside the app's entry the boot (socket, key
// read) had to wait for React and every screen to download and compile. As its own script, with a small graph,
// it starts as soon as its own chunks are in. The app imports the same chunk URL, so both share one instance.
import { resolve } from "node:path";
import type { Plugin } from "vite";

const BOOT_ENTRY = "boot";

export function bootEntry(root: string, bootModule: string): Plugin {
  return {
    name: "pairgate-boot-entry",
    apply: "build",
    config() {
      return { build: { rollupOptions: { input: { index: resolve(root, "index.html"), [BOOT_ENTRY]: resolve(root, bootModule) } } } };
    },
    transformIndexHtml: {
      order: "post",
      handler(html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === "chunk" && c.isEntry && c.name === BOOT_ENTRY);
        const at = html.indexOf("<script");
        if (!chunk || at < 0) throw new Error("pairgate-boot-entry: no boot chunk, or no script in index.html to put it before");
        // Module scripts run in document order: the boot's tag must come before the app's.
        return `${html.slice(0, at)}<script type="module" crossorigin src="./${chunk.fileName}"></script>\n    ${html.slice(at)}`;
      },
    },
  };
}
