// The HTTP trust checks (docs/design.md#http-and-trust, docs/design.md#details): Host (DNS rebinding; port ignored),
// Origin (CSWSH; port included) and the client address (X-Forwarded-For only from trusted proxies, right-most untrusted
// hop). None grants trust.
import { isIPv4 } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkHost, checkOrigin, clientAddress, hostnameOf } from "../../server/src/http/trust.js";
import { limitKey } from "../../server/src/net/limit-key.js";
import { cidrContains, parseCidr } from "../../server/src/net/cidr.js";

const octet = fc.integer({ min: 0, max: 255 });
const ipv4Arb = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
const ipv6Arb = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
  .map((g) => new URL(`http://[${g.map((x) => x.toString(16)).join(":")}]/`).hostname.slice(1, -1));
const portArb = fc.integer({ min: 1, max: 65535 });
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
/** Host names that are neither IP literals nor localhost / *.localhost. */
const hostnameArb = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom("com", "net", "example", "lan", "internal", "ts.net"))
  .map(([labels, tld]) => [...labels, tld].join("."))
  .filter((h) => h !== "localhost" && !h.endsWith(".localhost"));
const withPort = (host: string, port: number | null) => (port === null ? host : `${host}:${port}`);
const bracketed = (ip: string) => (ip.includes(":") ? `[${ip}]` : ip);

describe("Host check", () => {
  it("passes any IP literal host, with or without a port", () => {
    fc.assert(
      fc.property(fc.oneof(ipv4Arb, ipv6Arb), fc.option(portArb), (ip, port) => {
        expect(checkHost(withPort(bracketed(ip), port), [])).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it("passes localhost and any *.localhost name in any case", () => {
    for (const host of ["localhost", "LOCALHOST", "localhost:8420", "pairgate.localhost", "a.b.localhost:1", "Dev.LocalHost"]) {
      expect(checkHost(host, []), host).toBeNull();
    }
  });

  it("refuses any other name unless it is in the allow list", () => {
    fc.assert(
      fc.property(hostnameArb, fc.option(portArb), (name, port) => {
        const refusal = checkHost(withPort(name, port), []);
        expect(refusal).toContain(`--allowed-host ${name}`);
        expect(checkHost(withPort(name, port), ["other.example", name])).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it("ignores the port and the case when matching the allow list", () => {
    expect(checkHost("GW.Example.com:8443", ["gw.example.com"])).toBeNull();
    expect(checkHost("gw.example.com", ["GW.EXAMPLE.COM"])).toBeNull();
    expect(checkHost("gw.example.com:1", ["gw.example.com"])).toBeNull();
  });

  it("refuses look-alikes of localhost and of allowed names", () => {
    for (const host of ["localhost.evil.com", "evillocalhost", "127.0.0.1.nip.io", "gw.example.com.evil.net", "xgw.example.com"]) {
      expect(checkHost(host, ["gw.example.com"]), host).not.toBeNull();
    }
  });

  it("refuses a request without a Host header", () => {
    expect(checkHost(undefined, [])).toBe("missing Host header");
    expect(checkHost("", [])).toBe("missing Host header");
  });

  it("reads the hostname out of bracketed IPv6 and host:port forms", () => {
    expect(hostnameOf("[::1]:8420")).toBe("::1");
    expect(hostnameOf("[FE80::1]")).toBe("fe80::1");
    expect(hostnameOf("Example.COM:80")).toBe("example.com");
    expect(hostnameOf("10.0.0.1")).toBe("10.0.0.1");
  });

  it("parses the bracketed form strictly: anything after `]` but a port refuses the request (issue 11)", () => {
    for (const host of ["[::1]evil.example", "[::1].evil.example", "[::1]:80evil", "[::1", "[::1]]", "::1", "127.0.0.1:80x", "evil.example:8420:1"]) {
      expect([host, hostnameOf(host)]).toEqual([host, null]);
      expect([host, checkHost(host, ["evil.example"])]).toEqual([host, "Host header is not host[:port]"]);
    }
    expect(checkHost("[::1]:8420", [])).toBeNull();
    expect(checkHost("[::1]", [])).toBeNull();
  });
});

describe("limit keys", () => {
  it("keys IPv6 addresses by their /64 and leaves IPv4 and other text alone", () => {
    expect(limitKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:DB8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:db8:1:3::1")).not.toBe(limitKey("2001:db8:1:2::1"));
    expect(limitKey("::1")).toBe("0:0:0:0::/64");
    expect(limitKey("203.0.113.7")).toBe("203.0.113.7");
  });
});

describe("Origin check", () => {
  it("lets a client that sends no Origin through (not a browser)", () => {
    expect(checkOrigin(undefined, "gw.example.com", [])).toBeNull();
    expect(checkOrigin(undefined, undefined, [])).toBeNull();
  });

  it("passes http(s)://<Host> exactly, port included", () => {
    fc.assert(
      fc.property(fc.oneof(hostnameArb, ipv4Arb, fc.constant("localhost")), fc.option(portArb), fc.constantFrom("http", "https"), (name, port, scheme) => {
        const host = withPort(name, port);
        expect(checkOrigin(`${scheme}://${host}`, host, [])).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it("refuses the same host on another port or with no port", () => {
    fc.assert(
      fc.property(fc.oneof(hostnameArb, ipv4Arb), portArb, portArb, (name, port, other) => {
        fc.pre(port !== other);
        expect(checkOrigin(`http://${name}:${other}`, `${name}:${port}`, [])).toContain("--allowed-origin");
        expect(checkOrigin(`http://${name}`, `${name}:${port}`, [])).not.toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it("refuses another site's origin, the opaque null origin and non-http schemes", () => {
    for (const origin of ["http://evil.example", "null", "ws://gw.example.com", "file://", "http://gw.example.com.evil.net", "https://evil.example:8420"]) {
      expect(checkOrigin(origin, "gw.example.com", []), origin).not.toBeNull();
    }
  });

  it("passes an origin on the allow list, port included, ignoring a trailing slash in the list", () => {
    const allowed = ["https://gw.example.com", "http://10.0.0.5:8420/"];
    expect(checkOrigin("https://gw.example.com", "127.0.0.1:8420", allowed)).toBeNull();
    expect(checkOrigin("http://10.0.0.5:8420", "127.0.0.1:8420", allowed)).toBeNull();
    expect(checkOrigin("https://gw.example.com:8443", "127.0.0.1:8420", allowed)).not.toBeNull();
    expect(checkOrigin("http://10.0.0.5:8421", "127.0.0.1:8420", allowed)).not.toBeNull();
  });
});

describe("client address", () => {
  const proxies = ["10.0.0.0/8", "fd00::/8", "192.0.2.7"].map(parseCidr);
  const isTrusted = (a: string) => proxies.some((c) => cidrContains(c, a));
  const trustedHop = fc.oneof(
    fc.tuple(octet, octet, octet).map(([b, c, d]) => `10.${b}.${c}.${d}`),
    fc.constant("192.0.2.7"),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }).map(
      (g) =>
        `fd${(g[0]! & 0xff).toString(16).padStart(2, "0")}:${g
          .slice(1)
          .map((x) => x.toString(16))
          .join(":")}:1`,
    ),
  );
  const untrustedHop = fc.oneof(ipv4Arb, ipv6Arb).filter((a) => !isTrusted(a));
  const anyHop = fc.oneof(ipv4Arb, ipv6Arb, fc.constantFrom("unknown", "1.2.3.4:5678", "", "evil"));

  it("uses the socket peer and ignores X-Forwarded-For when the peer is not a trusted proxy", () => {
    fc.assert(
      fc.property(untrustedHop, fc.array(anyHop, { maxLength: 5 }), (peer, xff) => {
        expect(clientAddress(peer, xff.join(", "), proxies)).toBe(peer);
        expect(clientAddress(peer, xff.join(", "), [])).toBe(peer);
      }),
      { numRuns: 500 },
    );
  });

  it("takes the right-most hop that is not a trusted proxy, whatever a client wrote to its left", () => {
    fc.assert(
      fc.property(trustedHop, fc.array(anyHop, { maxLength: 4 }), untrustedHop, fc.array(trustedHop, { maxLength: 3 }), (peer, spoofed, client, chain) => {
        const xff = [...spoofed, client, ...chain].join(", ");
        expect(clientAddress(peer, xff, proxies)).toBe(client);
        expect(clientAddress(`::ffff:${isIPv4(peer) ? peer : "10.0.0.1"}`, xff, proxies)).toBe(client);
      }),
      { numRuns: 1000 },
    );
  });

  it("reads several X-Forwarded-For headers as one list", () => {
    expect(clientAddress("10.0.0.1", ["198.51.100.1, 203.0.113.9", "10.0.0.2"], proxies)).toBe("203.0.113.9");
  });

  it("falls back to the left-most hop when every hop is a trusted proxy", () => {
    expect(clientAddress("10.0.0.1", "10.1.1.1, 192.0.2.7, 10.0.0.2", proxies)).toBe("10.1.1.1");
  });

  it("uses the peer when the header is missing or a hop to the right of the client is not an address", () => {
    expect(clientAddress("10.0.0.1", undefined, proxies)).toBe("10.0.0.1");
    expect(clientAddress("10.0.0.1", "", proxies)).toBe("10.0.0.1");
    expect(clientAddress("10.0.0.1", "203.0.113.9, garbage", proxies)).toBe("10.0.0.1");
  });

  it("handles IPv6 peers and hops, with or without brackets, and writes IPv4-mapped hops as IPv4", () => {
    expect(clientAddress("fd00::1", "2001:db8::5", proxies)).toBe("2001:db8::5");
    expect(clientAddress("fd00::1", "[2001:db8::5]", proxies)).toBe("2001:db8::5");
    expect(clientAddress("fd00::1", "::ffff:203.0.113.9, fd00::2", proxies)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:10.0.0.1", "2001:DB8::5", proxies)).toBe("2001:db8::5");
    expect(clientAddress("::ffff:192.168.1.5", undefined, proxies)).toBe("192.168.1.5");
  });

  it("matches the peer against every configured CIDR", () => {
    expect(clientAddress("192.0.2.7", "203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(clientAddress("192.0.2.8", "203.0.113.9", proxies)).toBe("192.0.2.8");
    expect(clientAddress("fd12::1", "203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(clientAddress("fe80::1", "203.0.113.9", proxies)).toBe("fe80::1");
  });
});
