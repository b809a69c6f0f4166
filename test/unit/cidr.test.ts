// --trusted-proxy CIDRs (server/src/net/cidr.ts): parsing refuses anything ambiguous with a RangeError that names
// the entry, and matching agrees with node's BlockList for IPv4, IPv6 and IPv4-mapped IPv6 addresses.
import { BlockList } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidrContains, parseCidr } from "../../server/src/net/cidr.js";

const octet = fc.integer({ min: 0, max: 255 });
const ipv4Arb = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
const ipv6Arb = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(":"));

/** An address near `base`: the same first `keep` octets/groups, so matches and near-misses both come up often. */
function nearIPv4(base: string, keep: number, rest: number[]): string {
  const o = base.split(".");
  return o.map((x, i) => (i < keep ? x : String(rest[i]))).join(".");
}

describe("parseCidr", () => {
  it("parses IPv4 and IPv6 ranges and bare addresses", () => {
    expect(parseCidr("10.0.0.0/8")).toMatchObject({ prefix: 8, bytes: new Uint8Array([10, 0, 0, 0]) });
    expect(parseCidr("192.0.2.7")).toMatchObject({ prefix: 32 });
    expect(parseCidr("fd00::/8")).toMatchObject({ prefix: 8 });
    expect(parseCidr("2001:db8::1")).toMatchObject({ prefix: 128 });
    expect(parseCidr(" 172.16.0.0/12 ")).toMatchObject({ prefix: 12 });
    expect(parseCidr("0.0.0.0/0").prefix).toBe(0);
    expect(parseCidr("::/0").prefix).toBe(0);
  });

  const bad = [
    "",
    "/8",
    "10.0.0.0/",
    "10.0.0.0/33",
    "10.0.0.0/-1",
    "10.0.0.0/8.5",
    "10.0.0.0/ 8",
    "10.0.0.0/0x8",
    "10.0.0.0/8/9",
    "10.0.0/8",
    "256.0.0.0/8",
    "fd00::/129",
    "fd00:::/8",
    "gateway.local/24",
    "localhost",
    "*",
  ];
  for (const text of bad) {
    it(`throws a RangeError naming ${JSON.stringify(text)}`, () => {
      expect(() => parseCidr(text)).toThrow(RangeError);
      expect(() => parseCidr(text)).toThrow(text.trim() === "" ? /CIDR/ : text);
    });
  }
});

describe("cidrContains", () => {
  it("agrees with node's BlockList for any IPv4 range and address", () => {
    fc.assert(
      fc.property(
        ipv4Arb,
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(octet, { minLength: 4, maxLength: 4 }),
        (base, prefix, keep, rest) => {
          const address = nearIPv4(base, keep, rest);
          const list = new BlockList();
          list.addSubnet(base, prefix, "ipv4");
          expect(cidrContains(parseCidr(`${base}/${prefix}`), address)).toBe(list.check(address, "ipv4"));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("agrees with node's BlockList for any IPv6 range and address", () => {
    fc.assert(
      fc.property(ipv6Arb, fc.integer({ min: 0, max: 128 }), ipv6Arb, fc.integer({ min: 0, max: 8 }), (base, prefix, other, keep) => {
        const address = [...base.split(":").slice(0, keep), ...other.split(":").slice(keep)].join(":");
        const list = new BlockList();
        list.addSubnet(base, prefix, "ipv6");
        expect(cidrContains(parseCidr(`${base}/${prefix}`), address)).toBe(list.check(address, "ipv6"));
      }),
      { numRuns: 3000 },
    );
  });

  it("matches an IPv4-mapped IPv6 address against IPv4 ranges", () => {
    fc.assert(
      fc.property(
        ipv4Arb,
        fc.integer({ min: 0, max: 32 }),
        fc.array(octet, { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 4 }),
        (base, prefix, rest, keep) => {
          const address = nearIPv4(base, keep, rest);
          const cidr = parseCidr(`${base}/${prefix}`);
          expect(cidrContains(cidr, `::ffff:${address}`)).toBe(cidrContains(cidr, address));
        },
      ),
      { numRuns: 1000 },
    );
    expect(cidrContains(parseCidr("172.16.0.0/12"), "::ffff:172.18.0.1")).toBe(true);
  });

  it("never matches across address families or for garbage", () => {
    expect(cidrContains(parseCidr("0.0.0.0/0"), "::1")).toBe(false);
    expect(cidrContains(parseCidr("::/0"), "127.0.0.1")).toBe(false);
    expect(cidrContains(parseCidr("0.0.0.0/0"), "unknown")).toBe(false);
    expect(cidrContains(parseCidr("0.0.0.0/0"), "")).toBe(false);
  });

  it("matches a bare address only itself", () => {
    const cidr = parseCidr("192.0.2.7");
    expect(cidrContains(cidr, "192.0.2.7")).toBe(true);
    expect(cidrContains(cidr, "192.0.2.8")).toBe(false);
    expect(cidrContains(parseCidr("2001:db8::1"), "2001:DB8:0:0:0:0:0:1")).toBe(true);
  });

  it("ignores host bits in the range, as BlockList does", () => {
    expect(cidrContains(parseCidr("10.1.2.3/8"), "10.200.0.1")).toBe(true);
    expect(cidrContains(parseCidr("10.1.2.3/8"), "11.0.0.0")).toBe(false);
  });
});
