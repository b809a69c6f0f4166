// Every pointer into the docs must land: a `docs/<file>.md#<anchor>` in code, tests, scripts or docs, and every
// relative Markdown link between the repo's .md files, names a file that exists and a heading it has (GitHub's
// anchor rules). The design lives in the repo (docs/design.md), so a pointer to an outside design file fails too.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
// Spelled in pieces so that this file does not match itself.
const OUTSIDE_DESIGN = new RegExp(`\\b${"DES"}IGN\\b|\\.\\./shared/(${"DES"}IGN|STYLE|reference)\\b`);
const SCANNED = /\.(ts|tsx|js|mjs|cjs|md|json|css|html|yaml|yml)$|^\.ci\/run$|^Dockerfile$/;

function trackedFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
  return out.split("\n").filter((path) => SCANNED.test(path) && !path.startsWith("test/fixtures/") && existsSync(join(ROOT, path)));
}

/** GitHub's heading slug: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}_\- ]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a Markdown file, with GitHub's -1, -2 … suffixes for repeated headings; fenced code skipped. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading?.[1]) continue;
    const slug = githubSlug(heading[1]);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

interface Reference {
  from: string;
  line: number;
  target: string; // repo-relative path
  anchor: string | undefined;
}

/** `docs/<file>.md#<anchor>` anywhere (from the repo root), and `[text](<file>.md#<anchor>)` links in Markdown (from the file). */
function referencesIn(path: string, text: string): Reference[] {
  const refs: Reference[] = [];
  text.split("\n").forEach((content, index) => {
    for (const m of content.matchAll(/(?<![\w./-])docs\/([\w.-]+\.md)(?:#([\w-]+))?/g)) {
      refs.push({ from: path, line: index + 1, target: `docs/${m[1]}`, anchor: m[2] });
    }
    if (!path.endsWith(".md")) return;
    for (const m of content.matchAll(/\]\(([^)\s#]*\.md)?(?:#([^)\s]+))?\)/g)) {
      if (m[1] === undefined && m[2] === undefined) continue;
      if (m[1] && /^[a-z]+:/i.test(m[1])) continue; // an absolute URL
      const target = m[1] ? normalize(join(dirname(path), m[1])) : path;
      refs.push({ from: path, line: index + 1, target, anchor: m[2] });
    }
  });
  return refs;
}

describe("references into the docs", () => {
  const files = trackedFiles();
  const texts = new Map(files.map((path) => [path, readFileSync(join(ROOT, path), "utf8")]));

  it("scans the code, the tests and the docs", () => {
    for (const dir of ["shared/", "server/", "web/", "test/", "docs/"]) {
      expect(
        files.some((path) => path.startsWith(dir)),
        dir,
      ).toBe(true);
    }
  });

  it("land on a file that exists and a heading it has", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const [path, text] of texts) {
      for (const ref of referencesIn(path, text)) {
        checked++;
        const where = `${ref.from}:${ref.line} → ${relative(ROOT, join(ROOT, ref.target))}${ref.anchor ? `#${ref.anchor}` : ""}`;
        if (!existsSync(join(ROOT, ref.target))) {
          broken.push(`${where}: no such file`);
          continue;
        }
        if (ref.anchor === undefined || !ref.target.endsWith(".md")) continue;
        const markdown = texts.get(ref.target) ?? readFileSync(join(ROOT, ref.target), "utf8");
        if (!anchorsOf(markdown).has(ref.anchor)) broken.push(`${where}: no such heading`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(broken).toEqual([]);
  });

  it("never point at a design file outside the repo", () => {
    const outside: string[] = [];
    for (const [path, text] of texts) {
      text.split("\n").forEach((content, index) => {
        if (OUTSIDE_DESIGN.test(content)) outside.push(`${path}:${index + 1}: ${content.trim()}`);
      });
    }
    expect(outside).toEqual([]);
  });
});

describe("githubSlug and anchorsOf", () => {
  it("follow GitHub's rules for punctuation, code spans and repeats", () => {
    expect(githubSlug("When something is off: `pairgate doctor` and `/whoami`")).toBe("when-something-is-off-pairgate-doctor-and-whoami");
    expect(githubSlug("createPairgate(options)")).toBe("createpairgateoptions");
    expect(githubSlug("Navigation → code: what the dashboard changed")).toBe("navigation--code-what-the-dashboard-changed");
    expect([...anchorsOf("# A\n```\n# not a heading\n```\n## A\n### b_c")]).toEqual(["a", "a-1", "b_c"]);
  });
});
