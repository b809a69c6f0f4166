// IP literal parsing and the network class shown next to every request (docs/design.md#pairing,
// docs/design.md#details). node:net (isIPv4/isIPv6, BlockList) is the independent reference: shared/ can't use it
// because it also runs in the browser.
import { BlockList, isIPv4 as nodeIsIPv4, isIPv6 as nodeIsIPv6 } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyAddress, isIPv4, isIPv6, NETWORK_CLASSES, normalizeAddress, parseIPv6, type NetworkClass } from "../../shared/index.js";

/** The network classes of docs/design.md#details as subnets, checked by node's BlockList, not by our own prefix code. */
const REFERENCE: Array<[NetworkClass, BlockList]> = (
  [
    [
      "loopback",
      [
        ["127.0.0.0", 8, "ipv4"],
        ["::1", 128, "ipv6"],
      ],
    ],
    [
      "private",
      [
        ["10.0.0.0", 8, "ipv4"],
        ["172.16.0.0", 12, "ipv4"],
        ["192.168.0.0", 16, "ipv4"],
        ["fc00::", 7, "ipv6"],
      ],
    ],
    [
      "link_local",
      [
        ["169.254.0.0", 16, "ipv4"],
        ["fe80::", 10, "ipv6"],
      ],
    ],
    ["cgnat", [["100.64.0.0", 10, "ipv4"]]],
  ] as const
).map(([cls, nets]) => {
  const list = new BlockList();
  for (const [net, prefix, type] of nets) list.addSubnet(net, prefix, type);
  return [cls, list];
});

function referenceClass(address: string): NetworkClass {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const [a, type] = mapped ? [mapped[1]!, "ipv4" as const] : [address, nodeIsIPv4(address) ? ("ipv4" as const) : ("ipv6" as const)];
  return REFERENCE.find(([, list]) => list.check(a, type))?.[0] ?? "public";
}

const octet = fc.integer({ min: 0, max: 255 });
/** IPv4 addresses with the interesting first octets (and the edges of 172.16/12 and 100.64/10) drawn often. */
const ipv4Arb = fc
  .tuple(
    fc.oneof(fc.constantFrom(0, 10, 100, 127, 169, 172, 192, 255), octet),
    fc.oneof(fc.constantFrom(15, 16, 31, 32, 63, 64, 127, 128, 168, 254), octet),
    octet,
    octet,
  )
  .map((o) => o.join("."));
const group = fc.integer({ min: 0, max: 0xffff });
/** IPv6 addresses as 8 groups, with ULA, link-local, site-local and loopback-adjacent prefixes drawn often. */
const ipv6GroupsArb = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.constantFrom(0, 0xfc00, 0xfd12, 0xfbff, 0xfe00, 0xfe80, 0xfebf, 0xfec0, 0x2001), group),
      fc.array(fc.oneof(fc.constant(0), group), { minLength: 7, maxLength: 7 }),
    )
    .map(([first, rest]) => [first, ...rest]),
  fc.constantFrom<number[]>([0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0]),
);
const fullForm = (groups: number[]) => groups.map((g) => g.toString(16)).join(":");
/** The compressed RFC 5952 spelling, from WHATWG URL's IPv6 serializer (an implementation that isn't ours). */
const compressedForm = (groups: number[]) => new URL(`http://[${fullForm(groups)}]/`).hostname.slice(1, -1);

describe("IP literals", () => {
  it("agrees with node:net on IPv4 for any dotted string", () => {
    fc.assert(
      fc.property(fc.oneof(ipv4Arb, fc.ipV4Extended(), fc.string({ unit: fc.constantFrom(..."0123456789.x".split("")), maxLength: 18 })), (text) => {
        expect(isIPv4(text)).toBe(nodeIsIPv4(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with node:net on IPv6, including compressed forms and IPv4 tails", () => {
    const junk = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF:.g".split("")), maxLength: 45 });
    fc.assert(
      fc.property(fc.oneof(fc.ipV6(), ipv6GroupsArb.map(compressedForm), ipv6GroupsArb.map(fullForm), junk), (text) => {
        expect(isIPv6(text)).toBe(nodeIsIPv6(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("parses the full and the compressed spelling of an address to the same 8 groups", () => {
    fc.assert(
      fc.property(ipv6GroupsArb, (groups) => {
        expect(parseIPv6(fullForm(groups))).toEqual(groups);
        expect(parseIPv6(compressedForm(groups))).toEqual(groups);
        expect(parseIPv6(compressedForm(groups).toUpperCase())).toEqual(groups);
      }),
      { numRuns: 1000 },
    );
  });

  it("parses an embedded IPv4 tail into the last two groups", () => {
    expect(parseIPv6("::ffff:192.168.1.5")).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x0105]);
    expect(parseIPv6("64:ff9b::1.2.3.4")).toEqual([0x64, 0xff9b, 0, 0, 0, 0, 0x0102, 0x0304]);
    expect(parseIPv6("::1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0, 0x0102, 0x0304]);
  });

  it("rejects malformed IPv6 literals", () => {
    for (const bad of [
      "",
      "1",
      "1.2.3.4",
      ":::",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "12345::",
      "::g",
      "1:2:3:4:5:6:7::8",
      "::1.2.3",
      "::1.2.3.4:5",
      "[::1]",
      "fe80::1%eth0",
    ]) {
      expect(parseIPv6(bad), bad).toBeNull();
      expect(isIPv6(bad), bad).toBe(false);
    }
  });
});

describe("network class", () => {
  it("classifies any IPv4 address as the docs say", () => {
    fc.assert(
      fc.property(ipv4Arb, (address) => {
        expect(classifyAddress(address)).toBe(referenceClass(address));
      }),
      { numRuns: 5000 },
    );
  });

  it("classifies any IPv6 address as the docs say, whatever its spelling", () => {
    fc.assert(
      fc.property(ipv6GroupsArb, (groups) => {
        const expected = referenceClass(compressedForm(groups));
        expect(classifyAddress(compressedForm(groups))).toBe(expected);
        expect(classifyAddress(fullForm(groups))).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it("classifies an IPv4-mapped IPv6 address by its IPv4 address", () => {
    fc.assert(
      fc.property(ipv4Arb, (address) => {
        expect(classifyAddress(`::ffff:${address}`)).toBe(referenceClass(address));
        expect(classifyAddress(`::FFFF:${address}`)).toBe(referenceClass(address));
      }),
      { numRuns: 2000 },
    );
  });

  const examples: Array<[string, NetworkClass]> = [
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"], // how Java-based proxies write ::1 in X-Forwarded-For
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.15.255.255", "public"],
    ["172.32.0.0", "public"],
    ["172.18.0.1", "private"], // Docker's default bridge gateway, the address of the failure pairgate exists for
    ["192.168.1.5", "private"],
    ["::ffff:192.168.1.5", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["fe00::1", "public"],
    ["169.254.1.1", "link_local"],
    ["fe80::1", "link_local"],
    ["febf::1", "link_local"],
    ["fec0::1", "public"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["100.100.100.100", "cgnat"],
    ["100.63.255.255", "public"],
    ["100.128.0.0", "public"],
    ["8.8.8.8", "public"],
    ["2001:db8::1", "public"],
    ["not an address", "public"],
  ];
  for (const [address, cls] of examples) {
    it(`classifies ${address} as ${cls}`, () => {
      expect(classifyAddress(address)).toBe(cls);
    });
  }

  it("only ever answers one of the five classes", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(NETWORK_CLASSES).toContain(classifyAddress(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe("address normalization", () => {
  it("writes an IPv4-mapped IPv6 address as plain IPv4", () => {
    expect(normalizeAddress("::ffff:192.168.1.5")).toBe("192.168.1.5");
    expect(normalizeAddress("::FFFF:10.0.0.1")).toBe("10.0.0.1");
    fc.assert(
      fc.property(ipv4Arb, (address) => {
        expect(normalizeAddress(`::ffff:${address}`)).toBe(address);
        expect(normalizeAddress(address)).toBe(address);
      }),
      { numRuns: 500 },
    );
  });

  it("leaves other IPv6 addresses as they are, lower-cased", () => {
    expect(normalizeAddress("2001:DB8::1")).toBe("2001:db8::1");
    expect(normalizeAddress("::1")).toBe("::1");
    expect(normalizeAddress("::ffff:1.2.3")).toBe("::ffff:1.2.3");
  });
});
