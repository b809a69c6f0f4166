// Issue 12.1: links that other machines can open. The public URL comes from --public-url, else a labelled guess
// from the bind address, the allowed host names and the proxies; doctor flags links that can't work and bases its
// bind advice on the upgrades it saw, never on /.dockerenv.
import { describe, expect, it } from "vitest";
import { diagnoseGateway } from "../../server/src/config/diagnosis.js";
import type { DoctorFacts } from "../../server/src/config/doctor-facts.js";
import { derivePublicUrl, type PublicUrlInputs } from "../../server/src/config/public-url.js";
import { DEFAULT_LIMITS } from "../../server/src/gateway/limits.js";
import type { UpgradeSeen } from "../../server/src/log/recent-upgrades.js";

const base: PublicUrlInputs = {
  publicUrl: "",
  host: "127.0.0.1",
  port: 8420,
  allowedHosts: [],
  trustedProxyCount: 0,
  lanAddress: "192.168.1.20",
  inContainer: false,
};

describe("derivePublicUrl", () => {
  it("takes --public-url as given, and the loopback bind as it is", () => {
    expect(derivePublicUrl({ ...base, publicUrl: "https://gw.example.com" })).toEqual({
      url: "https://gw.example.com",
      guessed: false,
      source: "--public-url",
    });
    expect(derivePublicUrl(base)).toEqual({ url: "http://127.0.0.1:8420", guessed: false, source: "the bind address" });
    expect(derivePublicUrl({ ...base, host: "::1" }).url).toBe("http://[::1]:8420");
  });

  it("guesses the allowed host: over https without a port behind a proxy, with the port on a LAN", () => {
    expect(derivePublicUrl({ ...base, allowedHosts: ["gw.example.com"], trustedProxyCount: 1 })).toMatchObject({
      url: "https://gw.example.com",
      guessed: true,
    });
    expect(derivePublicUrl({ ...base, allowedHosts: ["gw.example.com"] })).toMatchObject({ url: "https://gw.example.com", guessed: true }); // loopback bind: a proxy in front
    expect(derivePublicUrl({ ...base, host: "0.0.0.0", allowedHosts: ["nas.local"] })).toEqual({
      url: "http://nas.local:8420",
      guessed: true,
      source: "guessed from --allowed-host",
    });
  });

  it("guesses the LAN address for 0.0.0.0, or localhost in a container, never silently", () => {
    expect(derivePublicUrl({ ...base, host: "0.0.0.0" })).toMatchObject({ url: "http://192.168.1.20:8420", guessed: true });
    expect(derivePublicUrl({ ...base, host: "0.0.0.0", inContainer: true })).toMatchObject({ url: "http://localhost:8420", guessed: true });
    expect(derivePublicUrl({ ...base, host: "::", lanAddress: null })).toMatchObject({ url: "http://localhost:8420", guessed: true });
  });
});

const upgrade = (u: Partial<UpgradeSeen>): UpgradeSeen => ({
  atMs: 0,
  address: "127.0.0.1",
  networkClass: "loopback",
  peer: "127.0.0.1",
  forwardedFor: null,
  viaTrustedProxy: false,
  host: "127.0.0.1:8420",
  origin: "http://127.0.0.1:8420",
  ...u,
});

function facts(f: Partial<DoctorFacts>): DoctorFacts {
  return {
    name: "gw",
    version: "0.1.0",
    process: { pid: 1, uid: 1000, node: "v20", platform: "linux", inContainer: false },
    bind: { host: "127.0.0.1", port: 8420 },
    publicUrl: "http://127.0.0.1:8420",
    publicUrlGuessed: false,
    publicUrlSource: "the bind address",
    stateDir: {
      path: "/s",
      exists: true,
      isDirectory: true,
      mode: "0700",
      ownerUid: 1000,
      isPrivate: true,
      isWritable: true,
      database: { exists: true, mode: "0600" },
      adminSocket: { path: "/s/admin.sock", exists: true, mode: "0600" },
    },
    store: { kind: "sqlite", location: "/s/pairgate.db", schemaVersion: 2, replicaId: "rep_test", changeFeed: null, lastResync: null },
    config: { file: null, logLevel: "info", sources: {} },
    allowedHosts: [],
    allowedOrigins: [],
    trustedProxies: [],
    limits: DEFAULT_LIMITS,
    sockets: { open: 0, unauthenticated: 0 },
    upgradesTotal: 0,
    recentUpgrades: [],
    refusedTotal: 0,
    recentRefusals: [],
    ...f,
  };
}

describe("doctor on links and the bind address", () => {
  it("flags a localhost link on a gateway that serves other machines, with the origin they use", () => {
    const lan = facts({
      bind: { host: "0.0.0.0", port: 8420 },
      publicUrl: "http://localhost:8420",
      publicUrlGuessed: true,
      recentUpgrades: [
        upgrade({ address: "192.168.1.7", networkClass: "private", peer: "192.168.1.7", host: "192.168.1.20:8420", origin: "http://192.168.1.20:8420" }),
      ],
    });
    expect(diagnoseGateway(lan)).toContain(
      "Links the CLI prints (invites, the first-start link) use http://localhost:8420, which other machines can't open. Set --public-url http://192.168.1.20:8420.",
    );
  });

  it("flags a link whose host the Host check would refuse", () => {
    const d = diagnoseGateway(facts({ bind: { host: "0.0.0.0", port: 8420 }, publicUrl: "https://gw.example.com", allowedHosts: [] }));
    expect(d).toContain(
      "Links use https://gw.example.com, but gw.example.com is not an allowed host, so the gateway would refuse them (403): add --allowed-host gw.example.com.",
    );
  });

  it("flags a guessed link that differs from where browsers open the dashboard", () => {
    const d = diagnoseGateway(
      facts({
        publicUrl: "https://gw.example.com",
        publicUrlGuessed: true,
        publicUrlSource: "guessed from --allowed-host: a reverse proxy serving https on its default port",
        allowedHosts: ["gw.example.com"],
        trustedProxies: ["127.0.0.1/32"],
        recentUpgrades: [
          upgrade({
            address: "203.0.113.5",
            networkClass: "public",
            viaTrustedProxy: true,
            forwardedFor: "203.0.113.5",
            host: "gw.example.com:8443",
            origin: "https://gw.example.com:8443",
          }),
        ],
      }),
    );
    expect(d).toContainEqual(expect.stringContaining("Set --public-url https://gw.example.com:8443"));
  });

  it("gives no bind advice to a loopback gateway that browsers reach through a proxy, in a container or not", () => {
    for (const inContainer of [false, true]) {
      const proxied = facts({
        process: { pid: 1, uid: 1000, node: "v20", platform: "linux", inContainer },
        allowedHosts: ["gw.example.com"],
        trustedProxies: ["127.0.0.1/32"],
        publicUrl: "https://gw.example.com",
        recentUpgrades: [
          upgrade({
            address: "198.51.100.9",
            networkClass: "public",
            viaTrustedProxy: true,
            forwardedFor: "198.51.100.9",
            host: "gw.example.com",
            origin: "https://gw.example.com",
          }),
        ],
      });
      expect(diagnoseGateway(proxied)).toEqual(["Nothing looks wrong. Browsers that open the dashboard get a code to approve."]);
    }
  });

  it("explains a loopback bind that nobody has reached yet, without assuming a container", () => {
    const d = diagnoseGateway(facts({ process: { pid: 1, uid: 1000, node: "v20", platform: "linux", inContainer: true } }));
    expect(d).toEqual([expect.stringMatching(/^The gateway listens on 127\.0\.0\.1 only, and no browser has connected yet: only this machine can reach it/)]);
  });
});
