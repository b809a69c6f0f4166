// GET /whoami: what the gateway sees of *this* request — the address it settles on, the TCP peer, whether
// X-Forwarded-For was read, the Host and the page's Origin, and whether /ws would accept them — plus the same
// plain-language diagnosis as `pairgate doctor`. The dashboard links here ("what the gateway sees"); a browser
// can't read why its WebSocket upgrade got a 403, but it can read this.
// No secrets and no gateway configuration: only facts about the caller's own request and a yes/no per check.
import type { IncomingMessage } from "node:http";
import { classifyAddress, NETWORK_CLASS_LABELS } from "../../../shared/index.js";
import { explainRefusal, untrustedProxyLine } from "../config/diagnosis.js";
import { escapeHtml, renderPage } from "./page-shell.js";
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
  if (
    origin?.toLowerCase().startsWith("http://") &&
    classifyAddress(hostnameForClass(origin)) !== "loopback" &&
    !/^http:\/\/(localhost|[^/]*\.localhost)(:\d+)?$/i.test(origin)
  )
    diagnosis.push(`This page is plain http on ${origin}: there is no WebCrypto here, so this browser keeps a software key in IndexedDB.`);
  if (!hostRefusal && !originRefusal)
    diagnosis.unshift(`This browser can open /ws. The gateway shows it as ${address} (${networkClass}); that address is shown, never trusted.`);

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
  return origin
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/:\d+$/, "")
    .replace(/^\[|\]$/g, "");
}

/**
 * The same facts as a page of the dashboard for people who follow the link: no script, every value escaped,
 * and a link back to the dashboard (a waiting pairing request keeps its code while this page is open).
 */
export function renderWhoamiHtml(f: WhoamiFacts): string {
  const row = (k: string, v: string) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`;
  const text = (v: string) => `<code>${escapeHtml(v)}</code>`;
  const yesNo = (b: boolean | null, none: string) =>
    b === null ? `<span class="muted">${escapeHtml(none)}</span>` : b ? `<span class="yes">yes</span>` : `<span class="no">no</span>`;
  return renderPage(
    "What the gateway sees",
    `<p class="lead">What the gateway makes of this browser's own request. Addresses are shown so that an unexpected source stands out; they never grant trust.</p>
<dl class="facts" data-testid="whoami-facts">
${row("Your address", `${text(f.address)} <span class="muted">· ${escapeHtml(NETWORK_CLASS_LABELS[f.networkClass])}</span>`)}
${row("TCP peer", text(f.peer))}
${row("X-Forwarded-For", f.forwardedFor === null ? '<span class="muted">none</span>' : text(f.forwardedFor))}
${row("Read X-Forwarded-For", f.viaTrustedProxy ? '<span class="yes">yes</span>, the peer is a trusted proxy' : "no")}
${row("Host", f.host === null ? '<span class="muted">none</span>' : text(f.host))}
${row("Host allowed", yesNo(f.hostAllowed, ""))}
${row("Page origin", f.origin === null ? '<span class="muted">none given</span>' : text(f.origin))}
${row("Origin allowed on /ws", yesNo(f.originAllowed, "no origin given"))}
</dl>
<h2>Diagnosis</h2>
<ul class="diagnosis" data-testid="whoami-diagnosis-list">${f.diagnosis.map((d) => `<li>${escapeHtml(d)}</li>`).join("")}</ul>
<p class="muted">The gateway's view of every browser: <code>pairgate doctor</code> on the gateway's machine.</p>
<p class="actions"><a class="btn" href="./" data-testid="back-to-dashboard">Back to the dashboard</a></p>`,
  );
}
