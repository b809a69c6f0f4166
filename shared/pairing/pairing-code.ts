// One-time pairing codes: 8 chars from a 20-letter alphabet with no vowels or look-alikes
// (RFC 8628 §6.1), about 34.6 bits, shown XXXX-XXXX. The caller supplies an unbiased randomInt.

export const CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
export const CODE_LENGTH = 8;

/** `randomInt(max)` must return a uniform integer in [0, max), e.g. node's crypto.randomInt. */
export function generateCode(randomInt: (max: number) => number): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Upper-cases and drops dashes and spaces; returns null when the result is not a valid code. */
export function normalizeCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]+/g, "");
  return isCode(code) ? code : null;
}

/** A code the gateway sent ("XXXX-XXXX"), without its dash; one that doesn't read as a code is kept, minus dashes. */
export function compactCode(sent: string): string {
  return normalizeCode(sent) ?? sent.replace(/-/g, "");
}

export function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

function isCode(code: string): boolean {
  if (code.length !== CODE_LENGTH) return false;
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return false;
  return true;
}
