// The front door's own answers: coded JSON errors ({"error": {"code", "message"}}, like the rest of pairgate),
// the login redirect, and what counts as a page navigation. Shared by the gateway's front door and requireDevice().
import type { IncomingMessage, ServerResponse } from "node:http";
import { SECURITY_HEADERS } from "../http/headers.js";

/** Every coded answer of the front door: HTTP status and a message for people. */
export const ANSWERS = {
  bad_request: [400, "The request body must be JSON with a ticket."],
  origin_not_allowed: [403, "This request must come from a page of this same site."],
  ticket_invalid: [401, "This session ticket is unknown or already used."],
  ticket_expired: [401, "This session ticket expired; the page asks for a new one."],
  ticket_origin: [403, "This session ticket was issued to a page of another origin."],
  device_revoked: [403, "This browser was removed from the gateway."],
  session_required: [401, "This needs a paired browser: open the page in a browser and pair it."],
  role_too_low: [403, "This browser's role does not allow this."],
  upstream_unavailable: [502, "The app behind pairgate is not answering."],
} as const satisfies Record<string, readonly [number, string]>;
export type FrontDoorCode = keyof typeof ANSWERS;

/** A page load the browser makes itself (the address bar, a link): those get the redirect, everything else 401. */
export function isNavigation(req: IncomingMessage): boolean {
  const mode = firstValue(req.headers["sec-fetch-mode"]);
  if (mode) return mode === "navigate";
  const method = firstValue(req.headers["x-forwarded-method"]) ?? req.method;
  return (method === "GET" || method === "HEAD") && /\btext\/html\b/.test(req.headers.accept ?? "");
}

export function firstValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s?.split(",")[0]?.trim() || undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) + "\n";
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** A coded error's status and its JSON body. */
export function errorAnswer(code: FrontDoorCode): { status: number; body: string } {
  const [status, message] = ANSWERS[code];
  return { status, body: JSON.stringify({ error: { code, message } }) + "\n" };
}

export function sendError(res: ServerResponse, code: FrontDoorCode): void {
  if (res.headersSent) return void res.destroy();
  const { status, body } = errorAnswer(code);
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { ...SECURITY_HEADERS, Location: location, "Cache-Control": "no-store", "Content-Length": 0 });
  res.end();
}
