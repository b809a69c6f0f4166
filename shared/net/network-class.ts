// Classifies a client address for display and limits only; it never grants trust (docs/design.md#http-and-trust,
// docs/design.md#details).
import { isIPv4, isIPv6, parseIPv6 } from "./ip.js";

export const NETWORK_CLASSES = ["loopback", "private", "link_local", "cgnat", "public"] as const;
export type NetworkClass = (typeof NETWORK_CLASSES)[number];

/** `::ffff:192.168.1.5` → `192.168.1.5`; other strings are returned as they are. */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith("::ffff:") && isIPv4(lower.slice(7))) return lower.slice(7);
  return lower;
}

export function classifyAddress(rawAddress: string): NetworkClass {
  const address = normalizeAddress(rawAddress);
  if (isIPv4(address)) {
    const [a, b] = address.split(".").map(Number) as [number, number];
    if (a === 127) return "loopback";
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
    if (a === 169 && b === 254) return "link_local";
    if (a === 100 && b >= 64 && b <= 127) return "cgnat";
    return "public";
  }
  if (isIPv6(address)) {
    if (parseIPv6(address)!.every((g, i) => g === (i === 7 ? 1 : 0))) return "loopback"; // ::1 in any spelling, e.g. 0:0:0:0:0:0:0:1
    const first = parseInt(address.split(":")[0] || "0", 16);
    if ((first & 0xfe00) === 0xfc00) return "private"; // fc00::/7 unique local
    if ((first & 0xffc0) === 0xfe80) return "link_local";
    return "public";
  }
  return "public"; // unparseable: treat as the least trusted class for display
}

export const NETWORK_CLASS_LABELS: Record<NetworkClass, string> = {
  loopback: "this machine (loopback)",
  private: "private network",
  link_local: "link-local network",
  cgnat: "CGNAT / tailnet",
  public: "public internet",
};
