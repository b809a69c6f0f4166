// Two builds from one config: the dashboard (default) into dist/web, and the gateway (`--mode server`)
// as one ESM file in dist/server, with node_modules left external.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig(({ mode }) =>
  mode === "server"
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
        plugins: [react()],
        build: {
          outDir: "../dist/web",
          emptyOutDir: true,
          target: "es2022",
          // CSP forbids inline script; keep the module preload polyfill out of index.html.
          modulePreload: { polyfill: false },
          assetsInlineLimit: 0,
        },
        server: { proxy: { "/ws": { target: "ws://127.0.0.1:8420", ws: true } } },
      },
);
