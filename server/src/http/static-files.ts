// The built dashboard, read once at start and served from memory. Hashed assets are immutable; index.html is
// always revalidated (its ETag makes that a 304) so a new gateway version ships its own dashboard at once.
// The build stores brotli and gzip copies next to each file (scripts/vite-precompress.ts); the gateway picks one
// by Accept-Encoding and never compresses per request.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { cspAllowingInline } from "./headers.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Content codings in the order the gateway prefers them, with the suffix of the build's copy (the build reads this too). */
export const CODINGS = [
  { name: "br", suffix: ".br" },
  { name: "gzip", suffix: ".gz" },
] as const;
export type Coding = (typeof CODINGS)[number]["name"];
const COPY_SUFFIXES = new Set<string>(CODINGS.map((c) => c.suffix));

export interface Representation {
  body: Buffer;
  /** Strong validator of these exact bytes (each coding has its own). */
  etag: string;
}

export interface StaticFile {
  type: string;
  cacheControl: string;
  identity: Representation;
  /** Pre-compressed copies from the build; empty when the build made none (small or incompressible files). */
  encoded: Partial<Record<Coding, Representation>>;
  /** For a page with inline scripts: the gateway's CSP with exactly those scripts allowed, by hash. */
  csp?: string;
}

/**
 * The CSP for a page whose inline scripts (index.html's early start, see web/index.html) are allowed by their
 * sha256, so 'unsafe-inline' is never needed; undefined when the page has none.
 */
export function cspForPage(html: string): string | undefined {
  const scripts = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).filter((text) => text.trim() !== "");
  return scripts.length ? cspAllowingInline("script-src", scripts) : undefined;
}

const etagOf = (body: Buffer, coding?: Coding) => `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}${coding ? `-${coding}` : ""}"`;

export function loadStaticFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (!name.endsWith(".map") && !COPY_SUFFIXES.has(extname(name))) {
        const urlPath = "/" + relative(root, full).split(sep).join("/");
        const body = readFileSync(full);
        const encoded: StaticFile["encoded"] = {};
        for (const { name: coding, suffix } of CODINGS) {
          if (!existsSync(full + suffix)) continue;
          const packed = readFileSync(full + suffix);
          encoded[coding] = { body: packed, etag: etagOf(body, coding) };
        }
        const csp = extname(name) === ".html" ? cspForPage(body.toString("utf8")) : undefined;
        files.set(urlPath, {
          type: TYPES[extname(name)] ?? "application/octet-stream",
          cacheControl: urlPath.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
          identity: { body, etag: etagOf(body) },
          encoded,
          ...(csp ? { csp } : {}),
        });
      }
    }
  };
  try {
    walk(root);
  } catch {
    // No build yet: the gateway still runs (health, /ws, CLI) and "/" explains how to build.
  }
  const index = files.get("/index.html");
  if (index) files.set("/", index);
  return files;
}

/**
 * The codings an Accept-Encoding header allows, with their weights (RFC 9110 §12.5.3). A coding listed with q=0
 * is refused even when `*` would allow it.
 */
function acceptedCodings(header: string | undefined): Map<string, number> {
  const weights = new Map<string, number>();
  for (const part of (header ?? "").split(",")) {
    const [token, ...params] = part.trim().toLowerCase().split(";");
    if (!token) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)).find(Boolean);
    const weight = q ? Number(q[1]) : 1;
    weights.set(token, Number.isFinite(weight) ? weight : 0);
  }
  return weights;
}

/** The representation to send for this Accept-Encoding: the preferred pre-compressed copy the client takes, else the file. */
export function chooseRepresentation(file: StaticFile, acceptEncoding: string | undefined): { coding?: Coding; rep: Representation } {
  const weights = acceptedCodings(acceptEncoding);
  let best: { coding?: Coding; rep: Representation; q: number } | null = null;
  for (const { name } of CODINGS) {
    const rep = file.encoded[name];
    const q = weights.get(name) ?? weights.get("*") ?? 0;
    if (rep && q > 0 && (!best || q > best.q)) best = { coding: name, rep, q };
  }
  return best ? { coding: best.coding, rep: best.rep } : { rep: file.identity };
}

/** If-None-Match against one ETag: `*`, or any listed tag (weak comparison, as RFC 9110 §13.1.2 asks for GET). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
