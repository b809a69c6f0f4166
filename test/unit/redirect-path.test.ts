// `rd` hygiene (shared/net/redirect-path.ts): only same-origin relative paths pass; every other shape, however it
// is encoded, falls back to "/".
import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "../../shared/index.js";

describe("safeRedirectPath", () => {
  it.each(["/", "/app", "/grafana/d/abc?orgId=1&from=now-6h", "/a/b/c#section", "/search?q=%2Fetc%2Fpasswd", "/caf%C3%A9", "/a%20b", "/?rd=/x"])(
    "keeps the same-origin path %s",
    (path) => expect(safeRedirectPath(path)).toBe(path),
  );

  it.each([
    ["scheme-relative", "//evil.example"],
    ["scheme-relative with path", "//evil.example/login"],
    ["absolute https", "https://evil.example"],
    ["absolute http", "http://evil.example/"],
    ["backslash after slash", "/\\evil.example"],
    ["backslash twice", "\\\\evil.example"],
    ["encoded slash", "/%2F%2Fevil.example"],
    ["encoded slash, lower case", "/%2f%2fevil.example"],
    ["encoded backslash", "/%5Cevil.example"],
    ["encoded backslash, lower case", "/%5cevil.example"],
    ["double-encoded slash", "/%252F%252Fevil.example"],
    ["triple-encoded backslash", "/%25255Cevil.example"],
    ["tab inside", "/\t/evil.example"],
    ["newline inside", "/\n/evil.example"],
    ["carriage return", "/x\r\nSet-Cookie: a=b"],
    ["encoded tab", "/%09/evil.example"],
    ["encoded newline", "/%0A/evil.example"],
    ["javascript scheme", "javascript:alert(1)"],
    ["encoded javascript", "javascript%3Aalert(1)"],
    ["data scheme", "data:text/html,hi"],
    ["relative without slash", "evil.example"],
    ["dot relative", "./x"],
    ["empty", ""],
    ["space", "/ /evil"],
    ["non-ASCII", "/café"],
    ["malformed escape", "/%E0%A4%A"],
    ["NUL", "/x\u0000y"],
    ["very long", "/" + "a".repeat(3000)],
  ])("refuses %s", (_what, rd) => expect(safeRedirectPath(rd)).toBe("/"));

  it("refuses what is not a string", () => {
    expect(safeRedirectPath(undefined)).toBe("/");
    expect(safeRedirectPath(null)).toBe("/");
    expect(safeRedirectPath(["/a"])).toBe("/");
  });

  it("refuses anything still encoded after several layers", () => {
    let rd = "/x";
    for (let i = 0; i < 8; i++) rd = `/${encodeURIComponent(rd)}`;
    expect(safeRedirectPath(rd)).toBe("/");
  });
});
