// One-time pairing codes (docs/design.md#pairing; RFC 8628 §6.1): 8 characters from BCDFGHJKLMNPQRSTVWXZ, shown
// XXXX-XXXX, typed back in any case with or without dashes and spaces, and drawn without modulo bias.
import { randomBytes, randomInt } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CODE_ALPHABET, CODE_LENGTH, formatCode, generateCode, normalizeCode } from "../../shared/index.js";

const codeArb = fc.string({ unit: fc.constantFrom(...CODE_ALPHABET.split("")), minLength: CODE_LENGTH, maxLength: CODE_LENGTH });
const CODE_PATTERN = /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/;

describe("pairing code format", () => {
  it("uses a 20-letter alphabet with no vowels and 8 characters", () => {
    expect(CODE_ALPHABET).toBe("BCDFGHJKLMNPQRSTVWXZ");
    expect(new Set(CODE_ALPHABET).size).toBe(20);
    expect(CODE_LENGTH).toBe(8);
  });

  it("generates 8 alphabet characters from crypto.randomInt", () => {
    for (let i = 0; i < 1000; i++) expect(generateCode((max) => randomInt(max))).toMatch(CODE_PATTERN);
  });

  it("asks the random source for integers below 20, once per character, and maps them in alphabet order", () => {
    const asked: number[] = [];
    let next = 0;
    const code = generateCode((max) => {
      asked.push(max);
      return next++ * 2;
    });
    expect(asked).toEqual(new Array(8).fill(20));
    expect(code).toBe("BDGJLNQS");
  });

  it("formats as XXXX-XXXX and normalizes the formatted code back to itself", () => {
    fc.assert(
      fc.property(codeArb, (code) => {
        const shown = formatCode(code);
        expect(shown).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
        expect(normalizeCode(shown)).toBe(code);
        expect(normalizeCode(code)).toBe(code);
      }),
      { numRuns: 500 },
    );
  });

  it("accepts lower case, spaces and dashes anywhere", () => {
    const typed = codeArb.chain((code) =>
      fc
        .tuple(
          fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
          fc.array(fc.constantFrom("", "", " ", "-", "  ", " - ", "\t"), { minLength: 9, maxLength: 9 }),
        )
        .map(([lower, seps]) => ({ code, text: seps[0] + [...code].map((c, i) => (lower[i] ? c.toLowerCase() : c) + seps[i + 1]).join("") })),
    );
    fc.assert(
      fc.property(typed, ({ code, text }) => {
        expect(normalizeCode(text)).toBe(code);
      }),
      { numRuns: 1000 },
    );
    expect(normalizeCode("bcdf-ghjk")).toBe("BCDFGHJK");
    expect(normalizeCode(" Bcdf ghjK ")).toBe("BCDFGHJK");
  });

  it("rejects any 8 characters that include one outside the alphabet", () => {
    const outside = fc.constantFrom(..."AEIOUY0123456789_.+/*!".split(""));
    fc.assert(
      fc.property(codeArb, outside, fc.integer({ min: 0, max: 7 }), (code, bad, at) => {
        expect(normalizeCode(code.slice(0, at) + bad + code.slice(at + 1))).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it("rejects codes that are too short or too long", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...CODE_ALPHABET.split("")), maxLength: 20 }).filter((s) => s.length !== 8),
        (text) => {
          expect(normalizeCode(text)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
    expect(normalizeCode("")).toBeNull();
    expect(normalizeCode("BCDF-GHJ")).toBeNull();
    expect(normalizeCode("BCDF-GHJKL")).toBeNull();
  });
});

describe("pairing code randomness", () => {
  const DRAWS = 200_000;
  /**
   * Pearson's chi-square over the 20 letters. For 19 degrees of freedom the 1e-6 upper tail starts near 64
   * (Wilson–Hilferty), so an unbiased source fails this about once in a million runs.
   */
  const CHI_SQUARE_LIMIT = 64;

  function chiSquare(draw: (max: number) => number): { overall: number; perPosition: number[] } {
    const overall = new Array<number>(20).fill(0);
    const perPosition = Array.from({ length: CODE_LENGTH }, () => new Array<number>(20).fill(0));
    for (let i = 0; i < DRAWS / CODE_LENGTH; i++) {
      const code = generateCode(draw);
      for (let p = 0; p < CODE_LENGTH; p++) {
        const letter = CODE_ALPHABET.indexOf(code[p]!);
        overall[letter]!++;
        perPosition[p]![letter]!++;
      }
    }
    const stat = (counts: number[]) => {
      const total = counts.reduce((a, b) => a + b, 0);
      const expected = total / counts.length;
      return counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    };
    return { overall: stat(overall), perPosition: perPosition.map(stat) };
  }

  it("draws every letter about equally often over 200k characters from crypto.randomInt", () => {
    const { overall, perPosition } = chiSquare((max) => randomInt(max));
    expect(overall).toBeLessThan(CHI_SQUARE_LIMIT);
    for (const stat of perPosition) expect(stat).toBeLessThan(CHI_SQUARE_LIMIT);
  });

  it("would catch the modulo bias of byte % 20 with the same statistic", () => {
    // 256 = 12 * 20 + 16: the first 16 letters come up 13/256 of the time, the last 4 only 12/256.
    const pool = randomBytes(DRAWS);
    let i = 0;
    const { overall } = chiSquare((max) => pool[i++]! % max);
    expect(overall).toBeGreaterThan(CHI_SQUARE_LIMIT);
  });
});
