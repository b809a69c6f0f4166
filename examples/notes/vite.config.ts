// Builds the example as an app would, against the built package (dist/lib, what `npm install pairgate` gives):
// the page into dist/web, and (`--mode server`) the server into dist/server.js with pairgate left external.
import react from "@vitejs/plugin-react";
import { resolve } from "node:path";
import { defineConfig } from "vite";

const lib = resolve(import.meta.dirname, "../../dist/lib");

export default defineConfig(({ mode }) =>
  mode === "server"
    ? {
        root: import.meta.dirname,
        build: {
          ssr: "server.ts",
          outDir: "dist",
          emptyOutDir: false,
          target: "node20",
          // pairgate stays an import, resolved at run time like an installed package (here: the repo's own dist/lib).
          rollupOptions: { external: [/^pairgate\//], output: { entryFileNames: "server.js" } },
        },
      }
    : {
        root: resolve(import.meta.dirname, "web"),
        base: "./",
        plugins: [react()],
        resolve: {
          alias: [
            { find: /^pairgate\/react\/styles\.css$/, replacement: `${lib}/styles.css` },
            { find: /^pairgate\/(client|react)$/, replacement: `${lib}/$1.js` },
          ],
        },
        build: { outDir: resolve(import.meta.dirname, "dist/web"), emptyOutDir: true, target: "es2022" },
      },
);
