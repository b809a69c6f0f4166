// library: what an app pays for embedding pairgate. Bundle sizes of pairgate/client and pairgate/react as an app's
// Vite build gives them (minified, gzip -9, dependencies included, React excluded), and an app method's round trip
// on an authenticated loopback socket, next to the built-in gateway.status on the same socket in the same run.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { pairedSocket } from "../lib/paired-socket.js";
import { REPO_ROOT, tempDir, track } from "../lib/processes.js";
import { figure, latency, ratio } from "../lib/stats.js";

const LIB = join(REPO_ROOT, "dist/lib");
const KB = 1000;

/**
 * Builds `source` as an app's `vite build` would (minified, React external) and sums gzip -9 of the JS it emits. Not
 * Vite's library mode: for the ES format that keeps whitespace and comments (for the pure annotations an app's own
 * bundler needs), so it measured about 1.7 kB more than any app ships.
 */
async function bundleSize(name, source) {
  const { build } = await import("vite");
  const dir = tempDir(`pg-bench-${name}-`);
  writeFileSync(join(dir, "entry.js"), source);
  await build({
    configFile: false,
    logLevel: "warn",
    root: dir,
    build: {
      outDir: join(dir, "out"),
      target: "es2022",
      minify: true,
      rollupOptions: {
        input: join(dir, "entry.js"),
        // The entry's exports are the app's use of pairgate: kept, so nothing it imports is shaken away.
        preserveEntrySignatures: "strict",
        external: [/^react(-dom)?(\/|$)/],
        output: { format: "es", entryFileNames: "entry.js", chunkFileNames: "[name].js" },
      },
    },
    define: { "process.env.NODE_ENV": '"production"' },
  });
  const files = readdirSync(join(dir, "out"), { recursive: true }).filter((f) => String(f).endsWith(".js"));
  const sizes = Object.fromEntries(files.map((f) => [String(f), gzipSync(readFileSync(join(dir, "out", String(f))), { level: 9 }).length]));
  // Lazy chunks: the protocol (zod schemas for frames and results) loads as the socket opens; the software signer
  // only on plain-http origins.
  const sum = (keep) =>
    Object.entries(sizes)
      .filter(([f]) => keep(f))
      .reduce((a, [, b]) => a + b, 0) / KB;
  const isAfterPairing = (f) => f.startsWith("software-ed25519-");
  return {
    counted:
      "withProtocolGzip = every chunk a page loads before it can pair on an https origin (the static part and the protocol chunk, which loads as the socket opens); allChunksGzip adds the software signer (plain-http LAN origins only)",
    initialGzip: figure(
      sum((f) => !f.startsWith("protocol-") && !isAfterPairing(f)),
      "kB",
      1,
    ),
    withProtocolGzip: figure(
      sum((f) => !isAfterPairing(f)),
      "kB",
      1,
    ),
    allChunksGzip: figure(
      sum(() => true),
      "kB",
      1,
    ),
    chunks: sizes,
  };
}

async function roundTrip(count, log) {
  const child = track(spawn(process.execPath, [join(REPO_ROOT, "test/bench/lib/app-method-server.js"), REPO_ROOT], { stdio: ["pipe", "pipe", "inherit"] }));
  const lines = [];
  const waiters = [];
  child.stdout.setEncoding("utf8").on("data", (d) => {
    lines.push(...d.split("\n").filter(Boolean));
    for (const w of waiters.splice(0)) w();
  });
  const line = async (prefix) => {
    for (;;) {
      const i = lines.findIndex((l) => l.startsWith(prefix));
      if (i >= 0) return lines.splice(i, 1)[0];
      await new Promise((r) => waiters.push(r));
    }
  };
  try {
    const port = Number((await line("port ")).split(" ")[1]);
    const proto = await import(pathToFileURL(join(LIB, "protocol.js")).href);
    const { ws, next } = await pairedSocket({ url: `ws://127.0.0.1:${port}/pg`, proto, approve: (code) => child.stdin.write(`approve ${code}\n`) });
    const measure = async (method, params) => {
      const samples = [];
      for (let i = 0; i < count + 50; i++) {
        const t0 = performance.now();
        ws.send(JSON.stringify({ type: "req", id: String(i), method, params }));
        const res = await next("res");
        if (!res.ok) throw new Error(`${method}: ${res.error.code}`);
        if (i >= 50) samples.push(performance.now() - t0); // the first 50 warm up the JIT on both sides
      }
      return latency(samples);
    };
    const app = await measure("bench.echo", { n: 1 });
    const builtin = await measure("gateway.status", {});
    ws.close();
    child.stdin.write("quit\n");
    log(`app method round trip median ${app.median} ms (gateway.status ${builtin.median} ms)`);
    return { app, builtin, medianVsBuiltin: ratio(app.median, builtin.median) };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

export async function runLibrary({ cfg, log }) {
  mkdirSync(LIB, { recursive: true });
  const client = await bundleSize(
    "client",
    `import { createPairgateClient } from ${JSON.stringify(join(LIB, "client.js"))};\nexport const c = createPairgateClient();\n`,
  );
  const react = await bundleSize("react", `export * from ${JSON.stringify(join(LIB, "react.js"))};\n`);
  log(`pairgate/client ${client.withProtocolGzip.value} kB gzip with its protocol chunk; pairgate/react ${react.withProtocolGzip.value} kB`);
  return {
    library: {
      what: "app bundles built by Vite (minified, gzip -9, dependencies included, React external); method round trips on one paired loopback socket against a separate server process",
      clientBundle: client,
      reactBundle: react,
      methodRoundTrip: await roundTrip(cfg.sequentialCount, log),
    },
  };
}
