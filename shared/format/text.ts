// Text that came from a browser, made safe to show: anything that could move a terminal's cursor, write its
// clipboard (OSC 52), start a new line or reorder what follows (bidi overrides) becomes a visible escape.

/** C0, DEL, C1, lone surrogates, line/paragraph separators and the bidi embedding, override and isolate marks. */
const UNSAFE = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** `"a\x1b[2Jb"` → `"a\\x1b[2Jb"`: every unsafe character as a `\xNN` or `\uNNNN` escape, the rest unchanged. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** `text` with every unsafe character replaced by what `replace` returns for it. */
export function replaceUnsafeChars(text: string, replace: (ch: string) => string): string {
  return text.replace(UNSAFE, replace);
}

/** Whether `text` holds a character that {@link printable} would escape. */
export function hasUnsafeChars(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text);
}

/** A name or label in double quotes, escaped: `"Chrome on Linux"`. */
export function quoteName(text: string): string {
  return `"${printable(text)}"`;
}
