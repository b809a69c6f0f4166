// Vite plugin: after the dashboard is written, store a brotli (quality 11) and a gzip (level 9) copy next to each
// text file, so the gateway sends them as they are (server/src/http/static-files.ts) and never compresses per request.
// A copy that saves less than 5 % is dropped: the gateway then sends the file itself.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin } from "vite";
import { CODINGS, type Coding } from "../server/src/http/static-files.js";

const COMPRESSIBLE = new Set([".js", ".css", ".html", ".svg", ".json", ".webmanifest", ".txt"]);
/** Below this a copy saves too little to pay for the second request header (the gateway sends the file itself). */
export const MIN_BYTES = 512;

const COMPRESS: Record<Coding, (b: Buffer) => Buffer> = {
  br: (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }),
  gzip: (b) => gzipSync(b, { level: 9 }),
};

export function precompressDir(dir: string): void {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      precompressDir(full);
      continue;
    }
    if (!COMPRESSIBLE.has(extname(name))) continue;
    const body = readFileSync(full);
    if (body.length < MIN_BYTES) continue;
    for (const { name: coding, suffix } of CODINGS) {
      const packed = COMPRESS[coding](body);
      if (packed.length <= body.length * 0.95) writeFileSync(full + suffix, packed);
    }
  }
}

export function precompress(): Plugin {
  let outDir = "";
  return {
    name: "pairgate-precompress",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      precompressDir(outDir);
    },
  };
}
