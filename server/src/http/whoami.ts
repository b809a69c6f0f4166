// GET /whoami: what the gateway sees of *this* request — the address it settles on, the TCP peer, whether
// X-Forwarded-For was read, the Host and the page's Origin, and whether /ws would accept them — plus the same
// plain-language diagnosis as `pairgate doctor`. The dashboard links here ("what the gateway sees"); a browser
// can't read why its WebSocket upgrade got a 403, but it can read this.
// No secrets and no gateway configuration: only facts about the caller's own request and a yes/no per check.
import type { IncomingMessage } from "node:http";
import { classifyAddress } from "../../../shared/index.js";
import { explainRefusal, untrustedProxyLine } from "../config/diagnosis.js";
import { checkHost, checkOrigin, describeClient, type ClientFacts, type TrustConfig } from "./trust.js";

export const WHOAMI_PATH = "/whoami";

export interface WhoamiFacts extends ClientFacts {
  host: string | null;
  hostAllowed: boolean;
  /** The page's origin: the `origin` query parameter (the dashboard passes location.origin), else the Origin header. */
  origin: string | null;
  /** Whether /ws accepts that Origin with this Host; null when no origin was given. */
  originAllowed: boolean | null;
  diagnosis: string[];
}

const ORIGIN_SHAPE = /^https?:\/\/[^/\s?#]{1,255}$/i;

export function describeRequest(req: IncomingMessage, trust: TrustConfig): WhoamiFacts {
  const client = describeClient(req.socket.remoteAddress ?? "", req.headers["x-forwarded-for"], trust.trustedProxies);
  const { address, networkClass, peer, forwardedFor, viaTrustedProxy } = client;
  const host = req.headers.host ?? null;
  const hostRefusal = checkHost(host ?? undefined, trust.allowedHosts);
  const fromQuery = new URL(req.url ?? "/", "http://x").searchParams.get("origin");
  const headerOrigin = typeof req.headers.origin === "string" ? req.headers.origin : null;
  const origin = [fromQuery, headerOrigin].find((o) => o && ORIGIN_SHAPE.test(o)) ?? null;
  const originRefusal = origin ? checkOrigin(origin, host ?? undefined, trust.allowedOrigins) : null;

  const diagnosis: string[] = [];
  if (hostRefusal) diagnosis.push(explainRefusal({ code: "host_not_allowed", address, origin, host, reason: hostRefusal })!);
  if (originRefusal) diagnosis.push(explainRefusal({ code: "origin_not_allowed", address, origin, host, reason: originRefusal })!);
  if (forwardedFor && !viaTrustedProxy) diagnosis.push(untrustedProxyLine(peer, forwardedFor));
  if (origin?.toLowerCase().startsWith("http://") && classifyAddress(hostnameForClass(origin)) !== "loopback" && !/^http:\/\/(localhost|[^/]*\.localhost)(:\d+)?$/i.test(origin))
    diagnosis.push(`This page is plain http on ${origin}: there is no WebCrypto here, so this browser keeps a software key in IndexedDB.`);
  if (!hostRefusal && !originRefusal) diagnosis.unshift(`This browser can open /ws. The gateway shows it as ${address} (${networkClass}); that address is shown, never trusted.`);

  return {
    ...client,
    host,
    hostAllowed: hostRefusal === null,
    origin,
    originAllowed: origin ? originRefusal === null : null,
    diagnosis,
  };
}

function hostnameForClass(origin: string): string {
  return origin.replace(/^[a-z]+:\/\//i, "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
}

/** The same facts as a small page for people who follow the link; no script, so the CSP needs nothing extra. */
export function renderWhoamiHtml(f: WhoamiFacts): string {
  const row = (k: string, v: string) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`;
  const yesNo = (b: boolean | null) => (b === null ? "(no origin given)" : b ? "yes" : "no");
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>What the gateway sees</title>
<h1>What the gateway sees</h1>
<table>
${row("Your address", `${f.address} (${f.networkClass})`)}
${row("TCP peer", f.peer)}
${row("X-Forwarded-For", f.forwardedFor ?? "(none)")}
${row("Read X-Forwarded-For", f.viaTrustedProxy ? "yes, the peer is a trusted proxy" : "no")}
${row("Host", f.host ?? "(none)")}
${row("Host allowed", yesNo(f.hostAllowed))}
${row("Page origin", f.origin ?? "(none)")}
${row("Origin allowed on /ws", yesNo(f.originAllowed))}
</table>
<h2>Diagnosis</h2>
<ul>${f.diagnosis.map((d) => `<li>${esc(d)}</li>`).join("")}</ul>
<p>The gateway's own view of every browser: <code>pairgate doctor</code>.</p>
</html>
`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
