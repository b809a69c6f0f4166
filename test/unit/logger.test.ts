// The log is read in terminals (`tail -f`, `journalctl`): nothing a browser sent may reach one raw, in either format.
import { describe, expect, it } from "vitest";
import { createLogger } from "../../server/src/log/logger.js";

function capture(format: "json" | "text") {
  const lines: string[] = [];
  const log = createLogger("info", (line) => lines.push(line), format);
  return { log, lines };
}

const HOSTILE = "Chrome\u009b2J\u202eevil\u2066x\x1b[31m\u0085";

describe("logger", () => {
  it("JSON lines escape C1 controls and bidi overrides and still parse to the same value", () => {
    const { log, lines } = capture("json");
    log.info("pairing requested", { name: HOSTILE });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(lines[0]).toContain("\\u009b");
    expect(JSON.parse(lines[0]!).name).toBe(HOSTILE);
  });

  it("text lines escape the same characters", () => {
    const { log, lines } = capture("text");
    log.info("pairing requested", { name: HOSTILE });
    expect(lines[0]).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it("redacts fields that would hold a secret", () => {
    const { log, lines } = capture("json");
    log.info("invite used", { token: "abc", code: "origin_not_allowed" });
    expect(JSON.parse(lines[0]!)).toMatchObject({ token: "[redacted]", code: "origin_not_allowed" });
  });
});
