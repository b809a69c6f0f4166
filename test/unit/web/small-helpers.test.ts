// The dashboard's small pure helpers: reconnect delays, default device names, pre-flight sentences.
import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../../../web/src/gateway/backoff.js";
import { deriveClientName } from "../../../web/src/gateway/client-name.js";
import { describePreflight, type PreflightResult } from "../../../web/src/preflight.js";

describe("backoff", () => {
  it("doubles from 1 s to a 30 s ceiling and jitters by at most 20 %", () => {
    expect([1, 2, 3, 4, 5, 6, 12].map((attempt) => backoffDelayMs(attempt, 0.5))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(backoffDelayMs(1, 0)).toBe(800);
    expect(backoffDelayMs(1, 0.999_999)).toBe(1_200);
    expect(backoffDelayMs(9, 0.999_999)).toBe(30_000);
  });

  it("refuses an attempt number below 1", () => {
    expect(() => backoffDelayMs(0, 0.5)).toThrow(RangeError);
  });
});

describe("default device name", () => {
  it.each([
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36", "Chrome on Linux"],
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36", "Chrome on Linux"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36 Edg/140.0", "Edge on Windows"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS"],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/140.0 Mobile/15E148 Safari/604.1",
      "Chrome on iPhone",
    ],
    ["Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0", "Firefox on Linux"],
    ["curl/8.5.0", "Browser"],
  ])("names %s as %s", (userAgent, name) => {
    expect(deriveClientName(userAgent)).toBe(name);
  });
});

describe("pre-flight notes", () => {
  const base: PreflightResult = { isSecureContext: true, storageRoundTripMs: 3, storageError: null, isPersisted: false, quotaBytes: 50 * 2 ** 30 };

  it("says plainly that plain http keeps the key in software", () => {
    const notes = describePreflight({ ...base, isSecureContext: false }, "software");
    expect(notes.find((note) => note.id === "key")).toMatchObject({
      tone: "warn",
      text: expect.stringContaining("Plain http: your key is stored in software"),
    });
  });

  it("warns that a private window forgets its pairing when its quota gives it away", () => {
    const notes = describePreflight({ ...base, quotaBytes: 100 * 2 ** 20 }, "webcrypto");
    expect(notes.find((note) => note.id === "private")?.text).toContain("private window: this browser will forget its pairing when closed");
    expect(describePreflight({ ...base, isPersisted: true }, "webcrypto").some((note) => note.id === "private")).toBe(false);
  });

  it("warns a browser whose storage is not persisted (persisted: false) that a private window forgets its pairing", () => {
    const notes = describePreflight(base, "webcrypto");
    expect(notes.find((note) => note.id === "private")).toMatchObject({
      tone: "warn",
      text: expect.stringContaining("If this is a private window, it will forget its pairing when closed"),
    });
    expect(describePreflight({ ...base, isPersisted: null }, "webcrypto").some((note) => note.id === "private")).toBe(false);
  });

  it("reports a failed IndexedDB round trip as a warning", () => {
    const notes = describePreflight({ ...base, storageRoundTripMs: null, storageError: "InvalidStateError" }, null);
    expect(notes[0]).toMatchObject({ id: "storage", tone: "warn" });
  });
});
