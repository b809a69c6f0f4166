// What the generated frame parsers (scripts/gen-frame-parsers.ts) call: the failure sentinel, where a failure is,
// union tries and the text → frame wrapper. No zod here: this is all the browser runs to check a frame.

export type ParseResult<T> = { ok: true; frame: T } | { ok: false; reason: string };

/** What every generated parse function returns for a value its schema refuses; `issue` then says where and why. */
export const F = { failed: true } as const;
let issue = { path: [] as (string | number)[], message: "" };

export const fail = (message: string): typeof F => ((issue = { path: [], message }), F);
export const failAt = (key: string, message: string): typeof F => ((issue = { path: [key], message }), F);
/** Called by each object or array on the way out of a failure, so the path reads from the frame down. */
export const at = (key: string | number): typeof F => (issue.path.unshift(key), F);
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** zod's union: the first option that passes; when none does, the deepest failure is the one reported. */
export function first(x: unknown, options: ((x: unknown) => unknown)[]): unknown {
  let deepest = issue;
  for (const option of options) {
    const out = option(x);
    if (out !== F) return out;
    if (option === options[0] || issue.path.length > deepest.path.length) deepest = issue;
  }
  issue = deepest;
  return F;
}

/** The latest failure as shared/protocol/parse.ts words it: `path: what was expected`. */
export function reason(): string {
  return `${issue.path.join(".") || "frame"}: ${issue.message}`;
}

/** A frame's text as JSON, or why not: the first step of every frame parser, zod's (parse.ts) and the generated ones. */
export function readFrameJson(text: string, maxLength: number): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (text.length > maxLength) return { ok: false, reason: "frame too large" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: "not JSON" };
  }
}

/** shared/protocol/parse.ts's parseWith, over a generated parse function. */
export function parseText<T>(text: string, maxLength: number, parse: (x: unknown) => unknown): ParseResult<T> {
  const json = readFrameJson(text, maxLength);
  if (!json.ok) return json;
  const frame = parse(json.value);
  return frame === F ? { ok: false, reason: reason() } : { ok: true, frame: frame as T };
}
