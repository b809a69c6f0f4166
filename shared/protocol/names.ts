// The one rule for every name and label a person or a browser chooses (device names, invite labels): 1–64
// characters, none of them a control character or a bidi override. Such characters let a name redraw an admin's
// terminal (ESC sequences), write its clipboard (OSC 52), fake extra rows (\n) or read backwards (U+202E).
import { z } from "zod/mini";
import { hasUnsafeChars, replaceUnsafeChars } from "../format/text.js";

export const NAME_MAX_CHARS = 64;
export const NAME_RULE = `1–${NAME_MAX_CHARS} characters, with no control characters (such as ESC or a line break) and no bidi overrides`;

/** Why `text` is not an acceptable name, or null when it is. Surrounding spaces don't count. */
export function nameProblem(text: string, opts: { allowEmpty?: boolean } = {}): string | null {
  const trimmed = text.trim();
  if (trimmed === "" && !opts.allowEmpty) return `A name can't be empty: use ${NAME_RULE}.`;
  if (trimmed.length > NAME_MAX_CHARS) return `That name has ${trimmed.length} characters: use ${NAME_RULE}.`;
  if (hasUnsafeChars(text)) return `That name holds a control or bidi character: use ${NAME_RULE}.`;
  return null;
}

// The length checks repeat what nameProblem says, so the wire schema (and the protocol pin) show the limits.
const nameCheck = (allowEmpty: boolean) =>
  z.string().check(
    z.minLength(allowEmpty ? 0 : 1, { error: `A name can't be empty: use ${NAME_RULE}.` }),
    z.maxLength(NAME_MAX_CHARS, { error: `That name is too long: use ${NAME_RULE}.` }),
    z.superRefine((value, ctx) => {
      const problem = nameProblem(value, { allowEmpty });
      if (problem) ctx.issues.push({ code: "custom", message: problem, input: value });
    }),
  );

/** A device name: 1–64 printable characters. */
export const Name = nameCheck(false);
/** An invite label: like a name, and may be empty. */
export const Label = nameCheck(true);

/**
 * What a browser says it is called, made safe instead of refused: pairing must not fail over a browser's own
 * description of itself. Unsafe characters become spaces, runs of spaces are folded, and an empty result becomes
 * "Unnamed browser".
 */
export function sanitizeClientName(raw: string): string {
  // The hello schema already caps the length at 64 UTF-16 units, and replacing never lengthens it.
  return (
    replaceUnsafeChars(raw, () => " ")
      .replace(/\s+/g, " ")
      .trim() || "Unnamed browser"
  );
}
