// #invite= and #approve= leave the address bar before anything else runs (docs/design.md#pairing).
import { describe, expect, it } from "vitest";
import { takeStartupFragment, type FragmentHistory, type FragmentLocation } from "../../../web/src/boot/fragment.js";

function fakeAddress(url: string) {
  const parsed = new URL(url);
  const location: FragmentLocation = { hash: parsed.hash, pathname: parsed.pathname, search: parsed.search };
  const replaced: string[] = [];
  const history: FragmentHistory = {
    state: { kept: true },
    replaceState(data, _unused, next) {
      expect(data).toEqual({ kept: true });
      replaced.push(String(next));
    },
  };
  return { location, history, replaced };
}

describe("startup fragment", () => {
  it("takes the invite token and rewrites the address without it", () => {
    const token = "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE";
    const { location, history, replaced } = fakeAddress(`http://192.168.1.5:8420/#invite=${token}`);
    expect(takeStartupFragment(location, history)).toEqual({ invite: token, approveCode: undefined });
    expect(replaced).toEqual(["/"]);
    expect(replaced.join("")).not.toContain(token);
  });

  it("keeps the path and query of a dashboard served under a prefix", () => {
    const { location, history, replaced } = fakeAddress("https://gw.example/pairgate/?lang=en#invite=abc");
    expect(takeStartupFragment(location, history).invite).toBe("abc");
    expect(replaced).toEqual(["/pairgate/?lang=en"]);
  });

  it("turns an approve link into the Devices page with the code held in memory, not in the address", () => {
    const { location, history, replaced } = fakeAddress("http://127.0.0.1:8420/#approve=BCDFGHJK");
    expect(takeStartupFragment(location, history)).toEqual({ invite: undefined, approveCode: "BCDFGHJK" });
    expect(replaced).toEqual(["/#/devices"]);
  });

  it("leaves an ordinary address alone", () => {
    for (const url of ["http://127.0.0.1:8420/", "http://127.0.0.1:8420/#/devices"]) {
      const { location, history, replaced } = fakeAddress(url);
      expect(takeStartupFragment(location, history)).toEqual({ invite: undefined, approveCode: undefined });
      expect(replaced).toEqual([]);
    }
  });

  it("strips an empty invite parameter too, without treating it as a token", () => {
    const { location, history, replaced } = fakeAddress("http://127.0.0.1:8420/#invite=");
    expect(takeStartupFragment(location, history).invite).toBeUndefined();
    expect(replaced).toEqual(["/"]);
  });
});
