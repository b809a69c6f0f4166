// Minimal IP literal checks that run in both Node and the browser (no node:net in shared/).

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

export function isIPv6(text: string): boolean {
  return parseIPv6(text) !== null;
}

/** Parses an IPv6 literal (with optional embedded IPv4 tail) into 8 16-bit groups, or null. */
export function parseIPv6(text: string): number[] | null {
  if (!text.includes(":") || text.length > 45) return null;
  let body = text.toLowerCase();
  let tail: number[] = [];
  const lastColon = body.lastIndexOf(":");
  const maybeV4 = body.slice(lastColon + 1);
  if (maybeV4.includes(".")) {
    if (!isIPv4(maybeV4)) return null;
    const [a, b, c, d] = maybeV4.split(".").map(Number) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    body = body.slice(0, lastColon + 1); // keep the colon: "::ffff:" → "::ffff", "::" stays "::"
    if (!body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === "") return [];
    const groups = s.split(":");
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  if (!head) return null;
  if (halves.length === 2) {
    const rest = parse(halves[1]!);
    if (!rest) return null;
    const missing = 8 - tail.length - head.length - rest.length;
    if (missing < 1) return null;
    return [...head, ...new Array(missing).fill(0), ...rest, ...tail];
  }
  return head.length + tail.length === 8 ? [...head, ...tail] : null;
}
