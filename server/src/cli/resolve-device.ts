// DEVICE arguments (docs/design.md#cli): an id, an id prefix, a fingerprint or an exact name. Ambiguity is refused
// with the candidates listed, never guessed.
import type { DeviceView } from "../../../shared/index.js";
import { CliError, EXIT } from "./exit-codes.js";

export function resolveDevice(query: string, devices: DeviceView[]): DeviceView {
  const q = query.trim();
  const fp = q.toUpperCase().replace(/-/g, "");
  const tiers: Array<(d: DeviceView) => boolean> = [
    (d) => d.id === q.toLowerCase(),
    (d) => fp.length === 8 && d.fingerprint.replace("-", "") === fp,
    (d) => d.name === q,
    (d) => q.length >= 4 && /^[0-9a-f]+$/i.test(q) && d.id.startsWith(q.toLowerCase()),
  ];
  for (const matches of tiers) {
    const found = devices.filter(matches);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      const list = found.map((d) => `  ${d.id.slice(0, 12)}  ${d.fingerprint}  ${d.name}`).join("\n");
      throw new CliError(`"${query}" matches ${found.length} devices; use an id or fingerprint:\n${list}`, EXIT.refused, "conflict");
    }
  }
  throw new CliError(`no active device matches "${query}" (try \`pairgate devices list\`)`, EXIT.refused, "not_found");
}
