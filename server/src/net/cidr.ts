// CIDR parsing and matching for --trusted-proxy, IPv4 and IPv6 (IPv4-mapped IPv6 matches IPv4 ranges).
import { isIPv4, normalizeAddress, parseIPv6 } from "../../../shared/index.js";

export interface Cidr {
  text: string;
  bytes: Uint8Array;
  prefix: number;
}

function toBytes(address: string): Uint8Array | null {
  const a = normalizeAddress(address);
  if (isIPv4(a)) return Uint8Array.from(a.split(".").map(Number));
  const groups = parseIPv6(a);
  if (!groups) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Parses "10.0.0.0/8", "fd00::/8" or a bare address; throws RangeError naming the bad entry. */
export function parseCidr(text: string): Cidr {
  const [addr = "", prefixText, ...extra] = text.trim().split("/");
  const bytes = toBytes(addr);
  if (!bytes || extra.length > 0) throw new RangeError(`not an IP address or CIDR: ${text}`); // "10.0.0.0/8/9" too
  const max = bytes.length * 8;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
    throw new RangeError(`bad prefix length in ${text}`);
  }
  return { text, bytes, prefix };
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  const bytes = toBytes(address);
  if (!bytes || bytes.length !== cidr.bytes.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (cidr.bytes[i]! & mask)) return false;
  }
  return true;
}
