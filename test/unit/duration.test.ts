// The one duration parser (shared/format/duration.ts) the CLI, the gateway's settings and the dashboard share,
// and the device lifetime rules built on it.
import { describe, expect, it } from "vitest";
import { DEVICE_EXPIRY_MAX_MS, parseDeviceExpiry, parseDuration } from "../../shared/index.js";

describe("parseDuration", () => {
  it("reads a whole number with a unit, or plain milliseconds", () => {
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration(" 2h ")).toBe(7_200_000);
    expect(parseDuration("1D")).toBe(86_400_000);
    expect(parseDuration("2w")).toBe(14 * 86_400_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("900000")).toBe(900_000);
  });

  it("refuses anything else", () => {
    for (const text of ["", "soon", "-3h", "1.5h", "2 hours", "h", "1y", "0x10", "1e3", "9".repeat(16)]) expect(parseDuration(text), text).toBeNull();
  });
});

describe("parseDeviceExpiry", () => {
  it("accepts 1 second to 10 years with a unit", () => {
    expect(parseDeviceExpiry("2h")).toEqual({ ok: true, ms: 7_200_000 });
    expect(parseDeviceExpiry("1s")).toEqual({ ok: true, ms: 1000 });
    expect(parseDeviceExpiry("3650d")).toEqual({ ok: true, ms: DEVICE_EXPIRY_MAX_MS });
  });

  it("refuses zero, negative, unitless, words and more than 10 years, with the rule", () => {
    for (const text of ["0", "0h", "-3h", "soon", "3600000", "3651d", "999w"]) {
      const parsed = parseDeviceExpiry(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.problem).toMatch(/between 1 second and 10 years/);
    }
  });

  it("holds idle expiry to at least an hour", () => {
    expect(parseDeviceExpiry("90d", "idle")).toEqual({ ok: true, ms: 90 * 86_400_000 });
    expect(parseDeviceExpiry("59m", "idle")).toMatchObject({ ok: false, problem: expect.stringMatching(/between 1 hour and 10 years/) });
  });
});
