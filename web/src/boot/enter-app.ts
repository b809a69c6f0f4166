// The front door's last step (docs/front-door.md): a page opened with `?rd=/path` was sent here by the gateway
// because the app needs a session. Once the key has proved itself (welcome), the page asks the socket for a
// one-time ticket, trades it in POST <prefix>/session for the HttpOnly cookie, and goes back to `rd`. No person
// is involved when the device is already paired: an expired session is renewed by the key alone.
import { safeRedirectPath } from "../../../shared/net/redirect-path.js";
import type { PairgateClient } from "../client/index.js";

/** The `rd` the page was opened with, checked; null when there is none. */
export function requestedReturnPath(search: string): string | null {
  const rd = new URLSearchParams(search).get("rd");
  return rd === null ? null : safeRedirectPath(rd);
}

/** Ticket → cookie → back to `rd`. Returns false when the gateway refused (the dashboard stays where it is). */
export async function enterApp(
  client: PairgateClient,
  rd: string,
  env: { fetch: typeof fetch; replace: (url: string) => void; baseUrl: string },
): Promise<boolean> {
  const { ticket } = await client.call("session.ticket", {});
  // Relative to the dashboard's own URL, so it lands under whatever prefix the dashboard is served from.
  const res = await env.fetch(new URL("session", env.baseUrl), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ticket }),
    credentials: "same-origin",
    cache: "no-store",
  });
  if (!res.ok) return false;
  env.replace(rd);
  return true;
}
