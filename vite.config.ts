// Builds from one config: the dashboard (default) into dist/web, the gateway (`--mode server`) as one ESM
// file in dist/server, and the library entries (`--mode lib-node`, `--mode lib-web`, see `npm run build:lib`)
// into dist/lib. node_modules stay external everywhere: the package's dependencies are installed beside it.
import react from "@vitejs/plugin-react";
import { defineConfig, type UserConfig } from "vite";
import { precompress } from "./scripts/vite-precompress.js";

const LIB_OUTPUT = { entryFileNames: "[name].js", chunkFileNames: "chunks/[name]-[hash].js" };

/** pairgate/server and pairgate/protocol: Node ESM. */
const libNode: UserConfig = {
  build: {
    ssr: true,
    outDir: "dist/lib",
    emptyOutDir: false,
    target: "node20",
    rollupOptions: { input: { server: "server/src/index.ts", protocol: "shared/index.ts" }, output: LIB_OUTPUT },
  },
};

/** pairgate/client and pairgate/react: browser ESM; react, zod, @noble/* and idb-keyval are the app's to bundle. */
const libWeb: UserConfig = {
  plugins: [react()],
  build: {
    // Library mode: no module-preload helper in the output (an app's own bundler adds its own).
    lib: { entry: { client: "web/src/client/index.ts", react: "web/src/react/index.ts" }, formats: ["es"] },
    outDir: "dist/lib",
    emptyOutDir: false,
    target: "es2022",
    minify: false,
    copyPublicDir: false,
    rollupOptions: {
      external: (id) => /^(react|react-dom|zod|idb-keyval|@noble\/[^/]+)(\/|$)/.test(id),
      output: LIB_OUTPUT,
    },
  },
};

export default defineConfig(({ mode }) =>
  mode === "lib-node"
    ? libNode
    : mode === "lib-web"
      ? libWeb
      : mode === "server"
        ? {
            build: {
              ssr: "server/src/main.ts",
              outDir: "dist/server",
              emptyOutDir: true,
              target: "node20",
              sourcemap: true,
              rollupOptions: { output: { entryFileNames: "main.js" } },
            },
          }
        : {
            root: "web",
            base: "./",
            plugins: [react(), precompress()],
            build: {
              outDir: "../dist/web",
              emptyOutDir: true,
              target: "es2022",
              // CSP forbids inline script; keep the module preload polyfill out of index.html.
              modulePreload: { polyfill: false },
              assetsInlineLimit: 0,
              rollupOptions: {
                // pairgate/client loads the frame parser lazily for embedding apps; the dashboard wants it in its entry
                // (boot/create-gateway.ts imports it), so the client's dynamic import staying in that chunk is intended.
                onLog(level, log, handler) {
                  if (log.code === "INEFFECTIVE_DYNAMIC_IMPORT" && log.message.includes("gateway/protocol.ts")) return;
                  handler(level, log);
                },
              },
            },
            server: { proxy: { "/ws": { target: "ws://127.0.0.1:8420", ws: true } } },
          },
);
