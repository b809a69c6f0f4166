// Reads the exact configs out of the docs (docs/deploy.md, docs/front-door.md), so the tests run what the docs tell
// people to run. A block is the fenced code block right after a `<!-- test: NAME -->` comment.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../gateway-harness.js";

export const DEPLOY_DOC = join(REPO_ROOT, "docs/deploy.md");
export const FRONT_DOOR_DOC = join(REPO_ROOT, "docs/front-door.md");

export function docBlock(name: string, doc = DEPLOY_DOC): string {
  const text = readFileSync(doc, "utf8");
  const marker = `<!-- test: ${name} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`${doc} has no block marked ${marker}`);
  const m = /```[^\n]*\n([\s\S]*?)\n```/.exec(text.slice(at + marker.length));
  if (!m) throw new Error(`no fenced code block after ${marker}`);
  return m[1]!;
}

/** Splits one shell line into words (single and double quotes, backslash-newline continuations). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.replace(/\\\n/g, " ").matchAll(re)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** The arguments after `pairgate start` in a block (the first such command). */
export function startArgs(block: string): string[] {
  const line = block
    .replace(/\\\n/g, " ")
    .split("\n")
    .find((l) => /\bpairgate start\b/.test(l));
  if (!line) throw new Error(`no "pairgate start" command in:\n${block}`);
  const words = shellWords(line.replace(/#.*$/, ""));
  return words.slice(words.indexOf("start") + 1);
}

/** A config block's `location / { … }` (or any `NAME {` block), braces balanced. */
export function braceBlock(text: string, opener: string): string {
  const start = text.indexOf(opener);
  if (start < 0) throw new Error(`no "${opener}" in:\n${text}`);
  let depth = 0;
  for (let i = text.indexOf("{", start); i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`unbalanced braces after "${opener}"`);
}
