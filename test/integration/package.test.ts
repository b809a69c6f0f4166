// The package as a user gets it: `npm pack`, install the tarball in a fresh project outside the repo, type-check a
// TypeScript consumer of all four entries (wrong params and results must fail to compile), then run it: a real
// pairing over a socket against pairgate/server, signed with pairgate/protocol. Also checks what each entry
// loads: the server entry no React or browser code, the browser entries no Node built-ins.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/gateway-harness.js";

let work = "";
let app = "";

function run(cmd: string, args: string[], cwd: string, timeoutMs = 240_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const SERVER_TS = `
import { createServer } from "node:http";
import { z } from "zod";
import { createPairgate, defineMethod, memoryStore, PairgateError, type Pairgate } from "pairgate/server";

const notes: string[] = [];
export const methods = {
  "notes.list": defineMethod({ role: "viewer", params: z.object({}), handler: () => ({ notes }) }),
  "notes.add": defineMethod({
    role: "admin",
    params: z.object({ text: z.string().min(1) }),
    handler: ({ text }, { device }) => {
      if (text === "taken") throw new PairgateError("conflict");
      notes.push(text + " by " + device.name);
      return { count: notes.length };
    },
  }),
};

export async function start(): Promise<{ pg: Pairgate; port: number; close(): Promise<void> }> {
  const pg = await createPairgate({ store: memoryStore(), name: "consumer", methods });
  const server = createServer((_req, res) => res.end("app"));
  pg.attach(server, { path: "/pg" });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { pg, port, close: async () => { await pg.close({ graceMs: 100 }); server.close(); } };
}
`;

const BROWSER_TSX = `
import { createPairgateClient } from "pairgate/client";
import { PairgateProvider, RequireDevice, useCall, useEvent, DevicesPanel, PairingScreen, ApproveCode, useDevice } from "pairgate/react";
import { ERRORS, parseServerFrame } from "pairgate/protocol";
import type { methods } from "./server.js";

const client = createPairgateClient<typeof methods>({ path: "/pg" });
export async function typed(): Promise<number> {
  const { count } = await client.call("notes.add", { text: "hi" });
  const list: string[] = (await client.call("notes.list", {})).notes;
  // @ts-expect-error params are checked against the server's schema
  await client.call("notes.add", { text: 42 });
  // @ts-expect-error unknown methods do not type-check
  await client.call("notes.nope", {});
  // @ts-expect-error the result is typed too
  const wrong: string = (await client.call("notes.add", { text: "x" })).count;
  const devices = await client.call("devices.list", {});
  return count + list.length + devices.devices.length + wrong.length + ERRORS.forbidden.message.length + (parseServerFrame("{}").ok ? 1 : 0);
}

function Notes() {
  const { call, data } = useCall<typeof methods, "notes.list">("notes.list");
  useEvent<{ count: number }>("notes.changed", (d) => void d.count.toFixed());
  const { role } = useDevice();
  return <p onClick={() => void call({})}>{data?.notes.join(", ")} {role}</p>;
}

export const page = (
  <PairgateProvider client={client}>
    <RequireDevice role="viewer" fallback={<PairingScreen />}>
      <Notes />
      <RequireDevice role="admin"><DevicesPanel /><ApproveCode /></RequireDevice>
    </RequireDevice>
  </PairgateProvider>
);
`;

// Runs the compiled consumer: a real ws client pairs (approved through pg.devices), then calls app methods.
const RUN_MJS = `
import { generateKeyPairSync, sign } from "node:crypto";
import WebSocket from "ws";
import { buildSignedBytes, encodeB64u, PROTOCOL_VERSION, SUBPROTOCOL } from "pairgate/protocol";
import { start } from "./out/server.js";

const { pg, port, close } = await start();
const { publicKey, privateKey } = generateKeyPairSync("ed25519");
const publicKeyB64u = publicKey.export({ format: "jwk" }).x;
const ws = new WebSocket("ws://127.0.0.1:" + port + "/pg", SUBPROTOCOL);
const frames = [];
const waiters = [];
ws.on("message", (d) => { frames.push(JSON.parse(String(d))); for (const w of waiters.splice(0)) w(); });
const next = async (type, event) => {
  for (;;) {
    const i = frames.findIndex((f) => f.type === type && (!event || f.event === event));
    if (i >= 0) return frames.splice(i, 1)[0];
    await new Promise((r) => waiters.push(r));
  }
};
const challenge = await next("challenge");
const signedAtMs = Date.now();
const bytes = buildSignedBytes({ gatewayId: challenge.gatewayId, nonce: challenge.nonce, origin: "", publicKeyB64u, signedAtMs });
ws.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, publicKey: publicKeyB64u, signedAtMs, signature: encodeB64u(sign(null, bytes, privateKey)),
  keyStorage: "webcrypto", client: { name: "consumer", userAgent: "node" } }));
const pairing = await next("pairing");
await pg.devices.approve({ code: pairing.request.code, role: "admin" });
await next("welcome");
const call = async (id, method, params) => { ws.send(JSON.stringify({ type: "req", id, method, params })); return next("res"); };
const out = {
  add: await call("1", "notes.add", { text: "hello" }),
  bad: await call("2", "notes.add", { text: 1 }),
  taken: await call("3", "notes.add", { text: "taken" }),
  list: await call("4", "notes.list", {}),
  published: pg.publish("notes.changed", { count: 1 }),
};
out.event = await next("event", "notes.changed");
ws.close();
await close();
console.log(JSON.stringify(out));
`;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "pg-pack-"));
  // The global setup has just run what `prepack` runs (build, build:lib); pack without scripts so the JSON on
  // stdout is npm's alone.
  const packed = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], REPO_ROOT, 300_000)) as Array<{ filename: string }>;
  const tarball = join(work, packed[0]!.filename);
  app = join(work, "consumer");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  // --ignore-scripts: the consumer never builds native code it did not ask for (better-sqlite3 is only needed by sqliteStore).
  run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--prefer-offline",
      tarball,
      "zod@4",
      "react@19",
      "react-dom@19",
      "@types/react@19",
      "@types/node@20",
    ],
    app,
    300_000,
  );
  writeFileSync(join(app, "server.ts"), SERVER_TS);
  writeFileSync(join(app, "browser.tsx"), BROWSER_TSX);
  writeFileSync(join(app, "run.mjs"), RUN_MJS);
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        jsx: "react-jsx",
        strict: true,
        lib: ["ES2022", "DOM"],
        types: ["node"],
        outDir: "out",
        skipLibCheck: false,
      },
      files: ["server.ts", "browser.tsx"],
    }),
  );
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("npm pack → fresh project", () => {
  it("type-checks a consumer of pairgate/server, /client, /react and /protocol (wrong params and results refused)", () => {
    // The repo's own tsc; resolution is the consumer's: node_modules/pairgate/package.json "exports".
    run(join(REPO_ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], app);
    expect(readdirSync(join(app, "out")).sort()).toEqual(["browser.js", "server.js"]);
  }, 180_000); // tsc over the consumer with React's and Node's types: 20 s alone, over 60 s under load

  it("runs it: pairs a real socket, role-guarded app methods answer with coded errors, a published event arrives", () => {
    const result = JSON.parse(run("node", ["run.mjs"], app, 60_000).trim()) as Record<
      string,
      { ok?: boolean; result?: unknown; error?: unknown; data?: unknown }
    > & { published: number };
    expect(result.add).toMatchObject({ ok: true, result: { count: 1 } });
    expect(result.bad).toMatchObject({ ok: false, error: { code: "invalid_params", path: ["text"] } });
    expect(result.taken).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(result.list).toMatchObject({ ok: true, result: { notes: ["hello by consumer"] } });
    expect(result.published).toBe(1);
    expect(result.event).toMatchObject({ event: "notes.changed", data: { count: 1 } });
  });

  it("ships the styles as one CSS file and no test or source files", () => {
    const pkg = join(app, "node_modules/pairgate");
    expect(readFileSync(join(pkg, "dist/lib/styles.css"), "utf8")).toContain(".pg-root");
    expect(() => readdirSync(join(pkg, "test"))).toThrow();
    expect(() => readdirSync(join(pkg, "server"))).toThrow();
  });
});

/** Every module a built entry loads, following relative imports; returns the bare specifiers and the source files bundled in. */
function importGraph(entry: string): { bare: Set<string>; sources: Set<string> } {
  const bare = new Set<string>();
  const sources = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^\/\/ ((?:web|server|shared)\/[^\s]+\.tsx?)$/gm)) sources.add(m[1]!);
    for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)["']([^"']+)["']/g)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
      else bare.add(spec);
    }
  };
  visit(entry);
  return { bare, sources };
}

describe("what each entry loads", () => {
  const lib = () => join(app, "node_modules/pairgate/dist/lib");
  const nodeBuiltin = (s: string) => s.startsWith("node:") || builtinModules.includes(s.split("/")[0]!);

  it("the browser entries load no Node built-ins and no server code", () => {
    for (const entry of ["client.js", "react.js"]) {
      const { bare, sources } = importGraph(join(lib(), entry));
      expect([...bare].filter(nodeBuiltin), entry).toEqual([]);
      expect(
        [...bare].filter((s) => !/^(react|react-dom|zod|idb-keyval|@noble\/[^/]+)(\/|$)/.test(s)),
        entry,
      ).toEqual([]);
      expect(sources.size, `${entry}: source markers present (unminified build)`).toBeGreaterThan(0);
      expect(
        [...sources].filter((s) => s.startsWith("server/")),
        entry,
      ).toEqual([]);
    }
  });

  it("the server entry loads no React, no DOM code and nothing from web/", () => {
    const { bare, sources } = importGraph(join(lib(), "server.js"));
    expect([...bare].filter((s) => /^(react|react-dom|idb-keyval|@noble\/ed25519)(\/|$)/.test(s))).toEqual([]);
    expect(sources.size).toBeGreaterThan(0);
    expect([...sources].filter((s) => s.startsWith("web/"))).toEqual([]);
    // And it imports in plain Node, where there is no window or document.
    run(
      "node",
      ["-e", "import('pairgate/server').then((m) => { if (typeof m.createPairgate !== 'function' || 'window' in globalThis) process.exit(1); })"],
      app,
    );
  });
});
