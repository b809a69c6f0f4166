// Printing for people (aligned text) or machines (--json), in one place. Text that came from a browser (names,
// headers) can hold terminal escapes: table cells are escaped here, and JSON carries them only as \u escapes.
import { printable, replaceUnsafeChars } from "../../../shared/index.js";

/**
 * JSON.stringify leaves DEL, C1 and bidi characters raw; as \uXXXX escapes the value is the same and inert.
 * It escapes every line break inside strings, so a raw "\n" is the indentation's own and stays.
 */
export function safeJson(value: unknown, indent?: number): string {
  return replaceUnsafeChars(JSON.stringify(value, null, indent), (ch) => (ch === "\n" ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

/** printable() line by line: escapes keep their meaning, line breaks of our own text stay. */
export function printableLines(text: string): string {
  return text.split("\n").map(printable).join("\n");
}

export function printJson(value: unknown): void {
  process.stdout.write(safeJson(value, 2) + "\n");
}

export function printTable(headers: string[], rows: string[][]): void {
  if (rows.length === 0) return;
  const safeRows = rows.map((r) => r.map(printable));
  const widths = headers.map((h, i) => Math.max(h.length, ...safeRows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  process.stdout.write([line(headers), ...safeRows.map(line)].join("\n") + "\n");
}
