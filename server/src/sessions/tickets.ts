// One-time tickets: how a browser that just proved its key on the socket gets a session cookie. The socket can't
// set a cookie, so the gateway hands the page a ticket (32 random bytes, 30 s, single use, bound to the device and
// the page's origin) and the page trades it in `POST <prefix>/session`. Kept in the store, by hash only: behind a
// round-robin balancer the POST may reach another replica than the socket, and taking a ticket is one DELETE …
// RETURNING, so it is single use across replicas too.
import { encodeB64u } from "../../../shared/index.js";
import type { DeviceStore } from "../store/device-store.js";
import { hashSessionToken } from "./session-registry.js";

export const TICKET_TTL_MS = 30_000;
const TICKET_BYTES = 32;

export type TicketRefusal = "ticket_invalid" | "ticket_expired" | "ticket_origin";
/** Why a ticket bought no session: the ticket's own refusals, or the device was removed meanwhile. */
export type SessionRefusal = TicketRefusal | "device_revoked";

export class TicketBook {
  constructor(
    private readonly deps: {
      store: Pick<DeviceStore, "createTicket" | "takeTicket" | "deleteExpiredTickets">;
      now: () => number;
      randomBytes: (n: number) => Uint8Array;
    },
  ) {}

  async issue(deviceId: string, origin: string): Promise<{ ticket: string; expiresAtMs: number }> {
    const ticket = encodeB64u(this.deps.randomBytes(TICKET_BYTES));
    const expiresAtMs = this.deps.now() + TICKET_TTL_MS;
    await this.deps.store.createTicket({ hash: hashSessionToken(ticket), deviceId, origin: origin.toLowerCase(), expiresAtMs });
    return { ticket, expiresAtMs };
  }

  /** Uses up a ticket: the device it was issued to, or why not. A ticket is gone after its first redeem, good or bad. */
  async redeem(ticket: string, origin: string): Promise<{ deviceId: string } | { refused: TicketRefusal }> {
    const t = await this.deps.store.takeTicket(hashSessionToken(ticket));
    if (!t) return { refused: "ticket_invalid" };
    if (this.deps.now() >= t.expiresAtMs) return { refused: "ticket_expired" };
    if (t.origin !== origin.toLowerCase()) return { refused: "ticket_origin" };
    return { deviceId: t.deviceId };
  }

  /** Deletes expired tickets (an issued ticket nobody traded in); run with the session sweep. */
  sweep(): Promise<number> {
    return this.deps.store.deleteExpiredTickets(this.deps.now());
  }
}
