// The last few /ws upgrade requests as the gateway saw them (peer, X-Forwarded-For, Host, Origin, the address it
// settled on), accepted or not. Kept in memory for `pairgate doctor`, so "why does everyone look like 172.17.0.1?"
// has an answer. Bounded; nothing here is a secret (no query strings, no frames).
import type { IncomingMessage } from "node:http";
import { describeClient, headerText, type ClientFacts } from "../http/trust.js";
import type { Cidr } from "../net/cidr.js";

export interface UpgradeSeen extends ClientFacts {
  atMs: number;
  host: string | null;
  origin: string | null;
}

const KEEP = 20;

/** An upgrade as it arrived: the raw facts, turned into an UpgradeSeen only when someone asks (doctor). */
interface RawUpgrade {
  atMs: number;
  peer: string;
  forwardedFor: string | string[] | undefined;
  host: string | undefined;
  origin: string | undefined;
  trustedProxies: Cidr[];
}

export class RecentUpgrades {
  // Every upgrade lands here, and only `pairgate doctor` reads the last few, so parsing and classifying the
  // addresses waits until then instead of costing every handshake.
  private readonly recent: RawUpgrade[] = [];
  total = 0;

  record(u: RawUpgrade): void {
    this.total++;
    this.recent.push(u);
    if (this.recent.length > KEEP) this.recent.shift();
  }

  /** Newest first. */
  latest(n = KEEP): UpgradeSeen[] {
    return this.recent.slice(-n).reverse().map(describeUpgrade);
  }
}

function describeUpgrade(u: RawUpgrade): UpgradeSeen {
  return { atMs: u.atMs, ...describeClient(u.peer, u.forwardedFor, u.trustedProxies), host: headerText(u.host), origin: headerText(u.origin) };
}

/** Records one upgrade request as it arrives, before any check runs, so refused ones are seen too. */
export function recordUpgradeRequest(log: RecentUpgrades, req: IncomingMessage, trustedProxies: Cidr[], atMs: number): void {
  const { host, origin } = req.headers;
  log.record({ atMs, peer: req.socket.remoteAddress ?? "", forwardedFor: req.headers["x-forwarded-for"], host, origin, trustedProxies });
}
