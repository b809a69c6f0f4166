// The built dashboard, read once at start and served from memory. Hashed assets are immutable;
// index.html is always revalidated so a new gateway version ships its own dashboard at once.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";

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

export interface StaticFile {
  body: Buffer;
  type: string;
  cacheControl: string;
}

export function loadStaticFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (!name.endsWith(".map")) {
        const urlPath = "/" + relative(root, full).split(sep).join("/");
        files.set(urlPath, {
          body: readFileSync(full),
          type: TYPES[extname(name)] ?? "application/octet-stream",
          cacheControl: urlPath.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
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
