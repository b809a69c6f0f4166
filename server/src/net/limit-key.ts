// The key per-address limits count under. One IPv6 host usually owns a whole /64 (SLAAC, privacy addresses),
// so keying by full address would hand one attacker 2^64 fresh allowances; a /64 is one "address" here.
import { parseIPv6 } from "../../../shared/index.js";

export function limitKey(address: string): string {
  const groups = parseIPv6(address);
  if (!groups) return address;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}
