// The HTTP trust checks of docs/design.md#http-and-trust. None of them ever grants trust; they only refuse.
// Host check: DNS rebinding. Origin check: cross-site WebSocket hijacking (CSWSH).
import { classifyAddress, isIPv4, isIPv6, normalizeAddress, type NetworkClass } from "../../../shared/index.js";
import { cidrContains, type Cidr } from "../net/cidr.js";

export interface TrustConfig {
  allowedHosts: string[];
  allowedOrigins: string[];
  trustedProxies: Cidr[];
}

/**
 * The hostname of a Host header without its port, lower-cased; IPv6 brackets removed. null when the header is not
 * `name[:port]` or `[v6][:port]`: `[::1]evil.example` must not read as `::1` (that would pass the Host check).
 */
export function hostnameOf(hostHeader: string): string | null {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) {
    const m = /^\[([^\]]*)\](?::\d*)?$/.exec(h);
    return m ? m[1]! : null;
  }
  const colon = h.lastIndexOf(":");
  const [name, port] = colon === -1 ? [h, ""] : [h.slice(0, colon), h.slice(colon + 1)];
  return /^\d*$/.test(port) && !name.includes(":") ? name : null;
}

/** IP literals, localhost and *.localhost always pass; any other name must be listed. Port is ignored. */
export function checkHost(hostHeader: string | undefined, allowedHosts: string[]): string | null {
  if (!hostHeader) return "missing Host header";
  const name = hostnameOf(hostHeader);
  if (name === null) return "Host header is not host[:port]";
  if (isIPv4(name) || isIPv6(name)) return null;
  if (name === "localhost" || name.endsWith(".localhost")) return null;
  if (allowedHosts.some((h) => h.toLowerCase() === name)) return null;
  return `Host ${name} is not allowed (add --allowed-host ${name})`;
}

/** Origin must be http(s)://<Host> or listed (port included); no Origin at all means a non-browser client. */
export function checkOrigin(origin: string | undefined, hostHeader: string | undefined, allowedOrigins: string[]): string | null {
  if (origin === undefined) return null;
  const o = origin.toLowerCase();
  const host = (hostHeader ?? "").toLowerCase();
  if (host && (o === `http://${host}` || o === `https://${host}`)) return null;
  if (allowedOrigins.some((a) => a.toLowerCase().replace(/\/+$/, "") === o)) return null;
  return `Origin ${origin} is not allowed (add --allowed-origin ${origin})`;
}

/**
 * The socket peer, unless the peer is a trusted proxy: then the right-most X-Forwarded-For hop that is not
 * itself a trusted proxy. X-Real-IP and Forwarded are never read (docs/design.md#details).
 */
export function clientAddress(peer: string, xff: string | string[] | undefined, trustedProxies: Cidr[]): string {
  const peerAddress = normalizeAddress(peer);
  const isTrusted = (a: string) => isTrustedProxy(a, trustedProxies);
  if (!xff || !isTrusted(peerAddress)) return peerAddress;
  const hops = (Array.isArray(xff) ? xff.join(",") : xff)
    .split(",")
    .map((h) => normalizeAddress(h.trim().replace(/^\[|\]$/g, "")))
    .filter((h) => h.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIPv4(hop) && !isIPv6(hop)) return peerAddress; // garbage in the chain: don't guess
    if (!isTrusted(hop)) return hop;
  }
  return hops[0] ?? peerAddress;
}

export function isTrustedProxy(address: string, trustedProxies: Cidr[]): boolean {
  return trustedProxies.some((c) => cidrContains(c, address));
}

/** How the gateway sees one request's client: what doctor's upgrade log and GET /whoami both report. */
export interface ClientFacts {
  /** The client address the gateway uses (the peer, or the X-Forwarded-For client behind a trusted proxy). */
  address: string;
  networkClass: NetworkClass;
  /** The TCP peer: the browser itself, or the proxy in front of the gateway. */
  peer: string;
  forwardedFor: string | null;
  /** The peer is in --trusted-proxy, so X-Forwarded-For was read. */
  viaTrustedProxy: boolean;
}

export function describeClient(rawPeer: string, xff: string | string[] | undefined, trustedProxies: Cidr[]): ClientFacts {
  const peer = normalizeAddress(rawPeer);
  const address = clientAddress(peer, xff, trustedProxies);
  return {
    address,
    networkClass: classifyAddress(address),
    peer,
    forwardedFor: headerText(xff),
    viaTrustedProxy: isTrustedProxy(peer, trustedProxies),
  };
}

/** One header value as a string: repeated headers joined the way Node joins X-Forwarded-For, bounded. */
export function headerText(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return (Array.isArray(value) ? value.join(", ") : value).slice(0, 512);
}
