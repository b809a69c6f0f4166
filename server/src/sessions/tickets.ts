// One-time tickets: how a browser that just proved its key on the socket gets a session cookie. The socket can't
// set a cookie, so the gateway hands the page a ticket (32 random bytes, 30 s, single use, bound to the device and
// the page's origin) and the page trades it in `POST <prefix>/session`. Held in memory only, by hash: a ticket is
// worth a session for 30 s, and a restart that forgets them costs one silent retry.
import { encodeB64u } from "../../../shared/index.js";
import { hashSessionToken } from "./session-registry.js";

export const TICKET_TTL_MS = 30_000;
const TICKET_BYTES = 32;
/** Outstanding tickets are few (one per page load); the cap only bounds a misbehaving paired client. */
const MAX_TICKETS = 10_000;

export type TicketRefusal = "ticket_invalid" | "ticket_expired" | "ticket_origin";
/** Why a ticket bought no session: the ticket's own refusals, or the device was removed meanwhile. */
export type SessionRefusal = TicketRefusal | "device_revoked";

interface Ticket {
  deviceId: string;
  origin: string;
  expiresAtMs: number;
}

export class TicketBook {
  private readonly tickets = new Map<string, Ticket>();

  constructor(private readonly deps: { now: () => number; randomBytes: (n: number) => Uint8Array }) {}

  issue(deviceId: string, origin: string): { ticket: string; expiresAtMs: number } {
    this.prune();
    if (this.tickets.size >= MAX_TICKETS) this.tickets.delete(this.tickets.keys().next().value!); // the oldest
    const ticket = encodeB64u(this.deps.randomBytes(TICKET_BYTES));
    const expiresAtMs = this.deps.now() + TICKET_TTL_MS;
    this.tickets.set(hashSessionToken(ticket), { deviceId, origin: origin.toLowerCase(), expiresAtMs });
    return { ticket, expiresAtMs };
  }

  /** Uses up a ticket: the device it was issued to, or why not. A ticket is gone after its first redeem, good or bad. */
  redeem(ticket: string, origin: string): { deviceId: string } | { refused: TicketRefusal } {
    const key = hashSessionToken(ticket);
    const t = this.tickets.get(key);
    if (!t) return { refused: "ticket_invalid" };
    this.tickets.delete(key);
    if (this.deps.now() >= t.expiresAtMs) return { refused: "ticket_expired" };
    if (t.origin !== origin.toLowerCase()) return { refused: "ticket_origin" };
    return { deviceId: t.deviceId };
  }

  /** Expired tickets leave the map; the map keeps insertion order, so the expired ones are at the front. */
  private prune(): void {
    const now = this.deps.now();
    for (const [key, t] of this.tickets) {
      if (t.expiresAtMs > now) break;
      this.tickets.delete(key);
    }
  }
}
