// Issue 16: the dashboard's files go out pre-compressed (brotli or gzip, made at build time, chosen by
// Accept-Encoding, with Vary), index.html carries an ETag so a revisit costs a 304, and every answer keeps the CSP.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { MIN_BYTES, precompressDir } from "../../scripts/vite-precompress.js";
import { REPO_ROOT, startGateway, tempStateDir } from "../support/gateway-harness.js";
import { rawRequest, type RawResponse } from "../support/raw-http.js";
import type { Harness } from "../support/sessions.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const ENTRY = "/assets/index-abc123.js";
const entrySource = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word-${i % 37}`))};\n`;
const indexHtml = `<!doctype html><title>pairgate</title><script type="module" src="./assets/index-abc123.js"></script>${"<!-- padding -->".repeat(60)}`;

/** A dashboard root as the build leaves it: files plus the .br/.gz copies the build plugin writes. */
function builtDashboard(): string {
  const root = tempStateDir("pg-web-");
  mkdirSync(join(root, "assets"));
  writeFileSync(join(root, "index.html"), indexHtml);
  writeFileSync(join(root, "assets", "index-abc123.js"), entrySource);
  writeFileSync(join(root, "assets", "tiny-abc123.js"), "export {};"); // too small to be worth a copy
  precompressDir(root);
  return root;
}

function get(path: string, headers: string[] = []): Promise<RawResponse> {
  return rawRequest(h!.port, [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${h!.port}`, ...headers, "Connection: close"]);
}

const bytes = (res: RawResponse) => Buffer.from(res.body, "latin1");

function expectCsp(res: RawResponse) {
  expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
  expect(res.headers["content-security-policy"]).not.toContain("unsafe-inline");
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
}

describe("pre-compressed dashboard files", () => {
  it("writes brotli and gzip copies at build time only where they pay", () => {
    const root = builtDashboard();
    expect(existsSync(join(root, "assets/index-abc123.js.br"))).toBe(true);
    expect(existsSync(join(root, "assets/index-abc123.js.gz"))).toBe(true);
    expect(existsSync(join(root, "assets/tiny-abc123.js.br"))).toBe(false);
    expect(brotliDecompressSync(readFileSync(join(root, "assets/index-abc123.js.br"))).toString()).toBe(entrySource);
  });

  it("sends brotli, gzip or the file itself by Accept-Encoding, always with Vary and the CSP", async () => {
    h = await startGateway({ webRoot: builtDashboard() });
    const cases: [string | null, string | undefined][] = [
      ["gzip, deflate, br, zstd", "br"],
      ["gzip", "gzip"],
      ["br;q=0.5, gzip;q=1", "gzip"],
      ["br;q=0, gzip;q=0", undefined],
      ["*", "br"],
      ["*, br;q=0", "gzip"],
      ["identity", undefined],
      [null, undefined],
    ];
    for (const [accept, coding] of cases) {
      const res = await get(ENTRY, accept === null ? [] : [`Accept-Encoding: ${accept}`]);
      expect([accept, res.status, res.headers["content-encoding"]]).toEqual([accept, 200, coding]);
      expect(res.headers["vary"]).toBe("Accept-Encoding");
      expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(Number(res.headers["content-length"])).toBe(bytes(res).length);
      const decoded = coding === "br" ? brotliDecompressSync(bytes(res)) : coding === "gzip" ? gunzipSync(bytes(res)) : bytes(res);
      expect(decoded.toString()).toBe(entrySource);
      if (coding) expect(bytes(res).length).toBeLessThan(entrySource.length / 3);
      expectCsp(res);
    }
  });

  it("serves a file without copies as it is, and never the copies under their own names", async () => {
    h = await startGateway({ webRoot: builtDashboard() });
    const tiny = await get("/assets/tiny-abc123.js", ["Accept-Encoding: br, gzip"]);
    expect([tiny.status, tiny.headers["content-encoding"], tiny.headers["vary"], tiny.body]).toEqual([200, undefined, undefined, "export {};"]);
    for (const path of [`${ENTRY}.br`, `${ENTRY}.gz`]) expect([path, (await get(path)).status]).toEqual([path, 404]);
  });

  it("answers a HEAD with the chosen coding's length and no body", async () => {
    const root = builtDashboard();
    h = await startGateway({ webRoot: root });
    const res = await rawRequest(h.port, [`HEAD ${ENTRY} HTTP/1.1`, `Host: 127.0.0.1:${h.port}`, "Accept-Encoding: br", "Connection: close"]);
    expect([res.status, res.headers["content-encoding"], res.body]).toEqual([200, "br", ""]);
    expect(Number(res.headers["content-length"])).toBe(readFileSync(join(root, "assets/index-abc123.js.br")).length);
  });
});

describe("index.html validator", () => {
  it("answers a matching If-None-Match with 304 and the same headers, and a stale one with the page", async () => {
    h = await startGateway({ webRoot: builtDashboard() });
    for (const accept of ["br", "identity"]) {
      const first = await get("/", [`Accept-Encoding: ${accept}`]);
      const etag = first.headers["etag"]!;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}(-br)?"$/);
      expect(first.headers["cache-control"]).toBe("no-cache");
      const again = await get("/", [`Accept-Encoding: ${accept}`, `If-None-Match: W/"other", ${etag}`]);
      expect([accept, again.status, again.body, again.headers["etag"]]).toEqual([accept, 304, "", etag]);
      expect(again.headers["cache-control"]).toBe("no-cache");
      expect(again.headers["vary"]).toBe("Accept-Encoding");
      expectCsp(again);
      const stale = await get("/", [`Accept-Encoding: ${accept}`, `If-None-Match: "not-this-one"`]);
      expect(stale.status).toBe(200);
    }
    // Each coding has its own tag: a gzip client's tag doesn't validate the brotli bytes.
    const br = (await get("/index.html", ["Accept-Encoding: br"])).headers["etag"]!;
    const gz = (await get("/index.html", ["Accept-Encoding: gzip"])).headers["etag"]!;
    expect(br).not.toBe(gz);
    expect((await get("/index.html", ["Accept-Encoding: br", `If-None-Match: ${gz}`])).status).toBe(200);
  });

  it("gives index.html a new tag when the dashboard changes", async () => {
    const root = builtDashboard();
    h = await startGateway({ webRoot: root });
    const before = (await get("/")).headers["etag"];
    await h.stop();
    writeFileSync(join(root, "index.html"), indexHtml.replace("abc123", "def456"));
    h = await startGateway({ webRoot: root });
    expect((await get("/")).headers["etag"]).not.toBe(before);
  });
});

describe("the real dashboard build", () => {
  it("ships brotli and gzip copies of every script and stylesheet index.html loads (but the tiny ones), served as brotli", async () => {
    const web = join(REPO_ROOT, "dist/web");
    const html = readFileSync(join(web, "index.html"), "utf8");
    const refs = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    const worth = refs.filter((ref) => statSync(join(web, ref)).size >= MIN_BYTES);
    // The boot, the app's entry and the stylesheet at least: the ones the first paint waits for.
    expect(worth.length).toBeGreaterThanOrEqual(3);
    h = await startGateway({ webRoot: web });
    for (const ref of refs) {
      const packed = worth.includes(ref);
      expect([ref, existsSync(join(web, `${ref}.br`)), existsSync(join(web, `${ref}.gz`))]).toEqual([ref, packed, packed]);
      const res = await get(`/${ref}`, ["Accept-Encoding: gzip, deflate, br"]);
      expect([ref, res.status, res.headers["content-encoding"], res.headers["vary"]]).toEqual([
        ref,
        200,
        packed ? "br" : undefined,
        packed ? "Accept-Encoding" : undefined,
      ]);
      expectCsp(res);
    }
  });

  it("allows index.html's early-start script by its hash, on the page and its 304, and nothing inline anywhere else", async () => {
    const web = join(REPO_ROOT, "dist/web");
    const html = readFileSync(join(web, "index.html"), "utf8");
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline).toHaveLength(1);
    expect(inline[0]).toContain("new WebSocket(");
    const hash = `'sha256-${createHash("sha256").update(inline[0]!).digest("base64")}'`;
    h = await startGateway({ webRoot: web });
    const page = await get("/", ["Accept-Encoding: br"]);
    expect(page.headers["content-security-policy"]).toContain(`script-src 'self' ${hash};`);
    expectCsp(page);
    const revisit = await get("/", ["Accept-Encoding: br", `If-None-Match: ${page.headers["etag"]}`]);
    expect([revisit.status, revisit.headers["content-security-policy"]]).toEqual([304, page.headers["content-security-policy"]]);
    // Scripts, other pages and errors keep the plain policy: the hash is the page's alone.
    const script = html.match(/src="\.\/(assets\/index-[^"]+\.js)"/)![1]!;
    for (const path of [`/${script}`, "/nope"]) expect((await get(path)).headers["content-security-policy"]).toContain("script-src 'self';");
  });

  it("loads the handshake and the first paint in a small entry, and React only later, from the app's own chunk", () => {
    const web = join(REPO_ROOT, "dist/web");
    const html = readFileSync(join(web, "index.html"), "utf8");
    const scripts = [...html.matchAll(/<script type="module"[^>]*\ssrc="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual([expect.stringMatching(/^assets\/index-[\w-]+\.js$/)]);
    const entry = readFileSync(join(web, scripts[0]!), "utf8");
    // The entry's static graph holds no React: that is in app-root's chunk, which the entry imports dynamically.
    const staticGraph = [entry, ...[...entry.matchAll(/from\s*"\.\/([^"]+)"/g)].map((m) => readFileSync(join(web, "assets", m[1]!), "utf8"))];
    for (const code of staticGraph) expect(code).not.toMatch(/react\.transitional\.element|createRoot/);
    expect(entry).toMatch(/import\(\s*[`"']\.\/app-root-[\w-]+\.js[`"']\s*\)/);
    // The frame parser is in it (the generated parser for the first frame), so the challenge is read without another request.
    expect(entry).toMatch(/[`"']challenge[`"']/);
    expect(entry).toContain("parseServerFrame");
    expect(entry).not.toMatch(/import\(\s*["'][^"']*protocol/);
  });
});
