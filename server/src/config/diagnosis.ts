// Plain-language diagnosis from what the gateway sees: one sentence per problem, each ending in what to change.
// Used by `pairgate doctor` (the whole gateway) and GET /whoami (one browser's own request). Pure functions.
import { isIPv4, isIPv6 } from "../../../shared/index.js";
import type { Refusal } from "../gateway/refusals.js";
import type { DoctorFacts } from "./doctor-facts.js";
import { isLoopbackBind } from "./public-url.js";
import type { StateDirFacts } from "./state-dir.js";

export function diagnoseGateway(f: DoctorFacts): string[] {
  const lines: string[] = [];
  lines.push(...diagnoseStateDir(f.stateDir));
  if (f.stateDir.adminSocket.exists && f.stateDir.adminSocket.mode !== "0600")
    lines.push(`The admin socket ${f.stateDir.adminSocket.path} has mode ${f.stateDir.adminSocket.mode}; it should be 0600. Restart the gateway.`);
  lines.push(...diagnoseRefusals(f.recentRefusals));
  lines.push(...diagnoseUpgrades(f));
  const feed = f.store.changeFeed;
  if (feed && !feed.listening)
    lines.push(
      `This replica's LISTEN connection to Postgres is down (${feed.lastError ?? "no reason given"}): approvals and revokes made on other replicas reach its sockets only once it reconnects and resyncs. Check that Postgres is up and reachable.`,
    );
  if (f.store.lastResync?.error) lines.push(`The last resync with the database failed (${f.store.lastResync.error}); it is retried on the next reconnect.`);
  if (f.trustedProxies.some((c) => /\/0$/.test(c)))
    lines.push(
      `--trusted-proxy ${f.trustedProxies.find((c) => /\/0$/.test(c))} trusts every peer, so any client can choose the address it is shown as and counted under for limits. List only your proxy's address.`,
    );
  lines.push(...diagnoseLinks(f));
  // Advice from what the gateway sees, not from guesses about its surroundings: a loopback bind that browsers
  // reach (through a proxy, a tunnel or a local browser) is working as set up.
  if (isLoopbackBind(f.bind.host) && f.recentUpgrades.length === 0) {
    lines.push(
      `The gateway listens on ${f.bind.host} only, and no browser has connected yet: only this machine can reach it (a browser here, a reverse proxy or an SSH tunnel). ` +
        "To serve other machines directly, or through a container's published port, use --host 0.0.0.0.",
    );
  }
  if (lines.length === 0) lines.push("Nothing looks wrong. Browsers that open the dashboard get a code to approve.");
  return lines;
}

export function diagnoseStateDir(s: StateDirFacts): string[] {
  const lines: string[] = [];
  if (!s.exists) return [`The state dir ${s.path} does not exist.`];
  if (!s.isDirectory) return [`The state dir ${s.path} is not a directory.`];
  if (!s.isPrivate) lines.push(`The state dir ${s.path} has mode ${s.mode}, so other users can read it; run chmod 700 ${s.path}.`);
  if (!s.isWritable) lines.push(`The state dir ${s.path} is not writable by uid ${process.getuid?.() ?? "?"} (owner uid ${s.ownerUid}).`);
  return lines;
}

/** When no gateway answers on the admin socket. */
export function diagnoseUnreachable(s: StateDirFacts, error: { code: string; message: string }): string[] {
  if (!s.exists)
    return [
      `No state dir at ${s.path}: no gateway has run with it. Start one (pairgate start --state-dir ${s.path}), or point --state-dir / PAIRGATE_STATE_DIR at the gateway's.`,
    ];
  if (error.code === "unreachable" && /permission denied/i.test(error.message))
    return [
      `The admin socket ${s.adminSocket.path} belongs to another user: run the CLI as the user that runs the gateway (in Docker: docker exec, which uses the image's user).`,
    ];
  if (!s.adminSocket.exists)
    return [
      `The state dir ${s.path} exists but has no admin socket: the gateway is not running, or it runs with another state dir.`,
      "In Docker, run the CLI inside the gateway's container (docker compose exec pairgate pairgate doctor) or in a container that mounts the same volume.",
    ];
  return [`The admin socket ${s.adminSocket.path} exists but nobody answers: the gateway stopped without cleaning up, or it is stuck. ${error.message}`];
}

function diagnoseRefusals(refusals: Refusal[]): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const r of refusals) {
    const key = `${r.code}|${r.address}|${r.origin}|${r.host}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const line = explainRefusal(r);
    if (line && !lines.includes(line)) lines.push(line);
  }
  return lines;
}

export function explainRefusal(r: Pick<Refusal, "code" | "address" | "origin" | "host" | "reason">): string | null {
  switch (r.code) {
    case "origin_not_allowed": {
      if (!r.origin) return null;
      const hostMismatch = r.host && originHost(r.origin) !== r.host.toLowerCase();
      return (
        `Requests from ${r.address} are refused because Origin ${r.origin} is not allowed: add --allowed-origin ${r.origin}` +
        (hostMismatch
          ? `, or, if a reverse proxy sits in front, have it pass the browser's Host header (the gateway got Host ${r.host}; nginx: proxy_set_header Host $http_host).`
          : ".")
      );
    }
    case "host_not_allowed": {
      if (!r.host) return `Requests from ${r.address} are refused because they carry no Host header.`;
      const name = hostOnly(r.host);
      return `Requests from ${r.address} are refused because Host ${name} is not allowed: add --allowed-host ${name}.`;
    }
    case "not_found":
      return `${r.address} asked for a WebSocket at another path than /ws: check that the reverse proxy forwards the path unchanged.`;
    case "auth_failed":
      return `A browser at ${r.address} failed to prove its key (${r.reason}); a clock more than 2 minutes off is the usual cause.`;
    case "rate_limited":
    case "pending_limit":
      return `${r.address} hit a limit (${r.code}: ${r.reason}); it can retry after a short wait.`;
    case "handshake_timeout":
      return `${r.address} opened /ws but never answered the challenge within 10 s: a proxy that buffers WebSocket frames, or a stale dashboard tab.`;
    case "protocol_mismatch":
      return `${r.address} runs a dashboard for another protocol version: reload that tab.`;
    default:
      return null;
  }
}

/** Links (first-start, `pairgate invite`) that other machines could not open, or that the Host check refuses. */
function diagnoseLinks(f: DoctorFacts): string[] {
  const lines: string[] = [];
  const link = new URL(f.publicUrl);
  const host = link.hostname.replace(/^\[|\]$/g, "");
  const loopbackLink = host === "localhost" || host.endsWith(".localhost") || host === "::1" || (isIPv4(host) && host.startsWith("127."));
  const seenOrigins = [...new Set(f.recentUpgrades.map((u) => u.origin).filter((o): o is string => !!o && o !== "null"))];
  const fromElsewhere = f.recentUpgrades.some((u) => u.networkClass !== "loopback");
  if (loopbackLink && (!isLoopbackBind(f.bind.host) || fromElsewhere)) {
    const example = seenOrigins.find((o) => !isLocalOrigin(o)) ?? `http://<this machine's name>:${f.bind.port}`;
    lines.push(`Links the CLI prints (invites, the first-start link) use ${f.publicUrl}, which other machines can't open. Set --public-url ${example}.`);
  } else if (!isIPv4(host) && !isIPv6(host) && !loopbackLink && !f.allowedHosts.includes(host.toLowerCase())) {
    lines.push(`Links use ${f.publicUrl}, but ${host} is not an allowed host, so the gateway would refuse them (403): add --allowed-host ${host}.`);
  } else if (f.publicUrlGuessed && seenOrigins.length > 0 && !seenOrigins.includes(link.origin)) {
    lines.push(
      `Links use ${f.publicUrl} (${f.publicUrlSource}), but browsers open the dashboard at ${seenOrigins.join(", ")}. ` +
        `Set --public-url ${seenOrigins[0]} if that is the address people use.`,
    );
  }
  return lines;
}

function diagnoseUpgrades(f: DoctorFacts): string[] {
  const lines: string[] = [];
  const untrustedWithXff = new Map<string, string>();
  for (const u of f.recentUpgrades) if (u.forwardedFor && !u.viaTrustedProxy) untrustedWithXff.set(u.peer, u.forwardedFor);
  for (const [peer, xff] of untrustedWithXff) lines.push(untrustedProxyLine(peer, xff));
  const throughProxy = f.recentUpgrades.filter((u) => u.viaTrustedProxy);
  if (throughProxy.length > 0 && throughProxy.every((u) => u.forwardedFor === null))
    lines.push(
      `Upgrades come through the trusted proxy ${throughProxy[0]!.peer} without X-Forwarded-For, so browsers are shown as the proxy's address. Have the proxy send it (nginx: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for).`,
    );
  const natted = f.recentUpgrades.find((u) => u.forwardedFor === null && u.networkClass === "private");
  if (f.process.inContainer && natted)
    lines.push(
      `Browsers reach this container as ${natted.address}: with Docker's port publishing that is usually the bridge or NAT address, not the browser's own. Expected and harmless: the address is only shown, never trusted; pair with the code as usual.`,
    );
  const plain = f.recentUpgrades.find((u) => u.origin?.startsWith("http://") && !isLocalOrigin(u.origin));
  if (plain)
    lines.push(
      `Browsers open the dashboard at ${plain.origin} over plain http: there is no WebCrypto there, so each browser keeps a software key in IndexedDB (see docs/deploy.md, "LAN over plain http").`,
    );
  return lines;
}

export function untrustedProxyLine(peer: string, xff: string): string {
  const bits = isIPv6(peer) ? 128 : 32;
  return `Upgrades from ${peer} carry X-Forwarded-For (${xff}), but ${peer} is not a trusted proxy, so those browsers are shown as ${peer}. If ${peer} is your reverse proxy, add --trusted-proxy ${peer}/${bits}.`;
}

function originHost(origin: string): string {
  return origin.toLowerCase().replace(/^[a-z]+:\/\//, "");
}

function hostOnly(host: string): string {
  const h = host.toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  return h.replace(/:\d+$/, "");
}

function isLocalOrigin(origin: string): boolean {
  const h = hostOnly(originHost(origin)).replace(/^\[|\]$/g, "");
  return h === "localhost" || h.endsWith(".localhost") || (isIPv4(h) && h.startsWith("127.")) || h === "::1";
}
