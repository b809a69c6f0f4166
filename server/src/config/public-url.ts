// The base URL of links the gateway prints or returns to the CLI (the first-start link, `pairgate invite`). It must
// be an address other machines can open: --public-url when given, else the best guess from the bind address, the
// allowed host names and the trusted proxies. A guess is said out loud at start and checked by `pairgate doctor`.
import { networkInterfaces } from "node:os";
import { isIPv4 } from "../../../shared/index.js";

export interface PublicUrl {
  url: string;
  /** True when nothing names the address people use, so `url` is inferred. */
  guessed: boolean;
  /** Where the URL comes from, in words, for the start banner and doctor. */
  source: string;
}

export interface PublicUrlInputs {
  publicUrl: string;
  host: string;
  port: number;
  allowedHosts: string[];
  trustedProxyCount: number;
  /** A non-internal IPv4 address of this machine, if it has one. */
  lanAddress: string | null;
  inContainer: boolean;
}

const LOOPBACK_BINDS = new Set(["127.0.0.1", "::1", "localhost"]);
const ALL_INTERFACES = new Set(["0.0.0.0", "::", ""]);

export function isLoopbackBind(host: string): boolean {
  return LOOPBACK_BINDS.has(host) || (isIPv4(host) && host.startsWith("127."));
}

export function derivePublicUrl(i: PublicUrlInputs): PublicUrl {
  if (i.publicUrl) return { url: i.publicUrl, guessed: false, source: "--public-url" };
  const proxied = i.trustedProxyCount > 0 || isLoopbackBind(i.host);
  const name = i.allowedHosts[0];
  if (name && proxied)
    return { url: `https://${name}`, guessed: true, source: "guessed from --allowed-host: a reverse proxy serving https on its default port" };
  if (name) return { url: `http://${name}:${i.port}`, guessed: true, source: "guessed from --allowed-host" };
  if (ALL_INTERFACES.has(i.host)) {
    if (i.inContainer) return { url: `http://localhost:${i.port}`, guessed: true, source: "guessed: a container's port published on localhost" };
    if (i.lanAddress) return { url: `http://${i.lanAddress}:${i.port}`, guessed: true, source: "guessed: this machine's LAN address" };
    return { url: `http://localhost:${i.port}`, guessed: true, source: "guessed: this machine has no LAN address" };
  }
  const url = `http://${i.host.includes(":") ? `[${i.host}]` : i.host}:${i.port}`;
  if (i.trustedProxyCount > 0) return { url, guessed: true, source: "guessed: the bind address, but a reverse proxy is in front" };
  return { url, guessed: false, source: "the bind address" };
}

/** The first non-internal IPv4 address of this machine (what a LAN peer would most likely use). */
export function findLanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return null;
}
