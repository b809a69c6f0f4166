// `pairgate devices …`, `invite`, `audit`, `doctor`: thin shells over the admin socket, each with --json.
import type { AuditEntry, DeviceView, DevicesListResult, InviteCreated, PendingView, Role } from "../../../shared/index.js";
import {
  DEVICE_QUERY_MAX,
  DEVICES_PAGE_MAX,
  describeAuditEntry,
  formatDuration,
  formatRelativeTime,
  formatTime,
  INVITE_TTL_MAX_MS,
  INVITE_TTL_MIN_MS,
  INVITE_TTL_RULE,
  NETWORK_CLASS_LABELS,
  nameProblem,
  normalizeCode,
  parseDeviceExpiry,
  parseDuration,
  quoteName,
} from "../../../shared/index.js";
import { callGateway } from "./admin-client.js";
import { CliError, EXIT } from "./exit-codes.js";
import { printJson, printTable } from "./output.js";
import { printQr } from "./qr.js";
import { resolveDevice } from "./resolve-device.js";

export interface Common {
  stateDir: string;
  json: boolean;
}

const deviceRow = (d: DeviceView, nowMs: number) => [
  d.id.slice(0, 12),
  d.fingerprint,
  d.name,
  d.role,
  d.keyStorage,
  `${d.approvedVia} by ${d.approvedBy}`,
  lastActive(d, nowMs),
  d.expiresAtMs === null ? "never" : `${formatTime(d.expiresAtMs)} (${formatRelativeTime(d.expiresAtMs, nowMs)})`,
  ...(d.revokedAtMs !== undefined ? [`${d.revokedReason === "expired" ? "expired" : "revoked"} ${formatTime(d.revokedAtMs)}`] : []),
];

/** "active now (2)", or "5 min ago from 192.168.1.5 (private network)". */
function lastActive(d: DeviceView, nowMs: number): string {
  if (d.online > 0) return `active now (${d.online})`;
  if (d.lastSeenAtMs === null) return "never";
  const from = d.lastSeenFrom ? ` from ${d.lastSeenFrom.address} (${NETWORK_CLASS_LABELS[d.lastSeenFrom.networkClass]})` : "";
  return `${formatRelativeTime(d.lastSeenAtMs, nowMs)}${from}`;
}

/** A device lifetime flag (--expires, --device-expires) → ms; a bad value is a usage error naming the flag. */
function checkLifetime(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseDeviceExpiry(text);
  if (!parsed.ok) throw new CliError(`${flag} ${quoteName(text)}: ${parsed.problem}`, EXIT.usage, "invalid_params");
  return parsed.ms;
}

/** Every device that matches, page after page: the gateway answers at most DEVICES_PAGE_MAX per request. */
async function fetchDevices(c: Common, params: { includeRevoked?: boolean; query?: string }): Promise<DeviceView[]> {
  const devices: DeviceView[] = [];
  let cursor: string | null = null;
  do {
    const page: DevicesListResult = await callGateway(c.stateDir, "devices.list", { ...params, limit: DEVICES_PAGE_MAX, ...(cursor ? { cursor } : {}) });
    devices.push(...page.devices);
    cursor = page.nextCursor;
  } while (cursor);
  return devices;
}

/** Checks made before anything is sent: a bad value is a usage error (exit 2) with the rule, not the gateway's refusal. */
function checkCode(code: string, expected = "a pairing code"): string {
  if (normalizeCode(code) === null) {
    throw new CliError(
      `${quoteName(code)} is not ${expected}: a code is 8 letters as the waiting browser shows it, e.g. BCDF-GHJK`,
      EXIT.usage,
      "invalid_params",
    );
  }
  return code;
}

function checkName(name: string, what: string, allowEmpty = false): string {
  const problem = nameProblem(name, { allowEmpty });
  if (problem) throw new CliError(`${what}: ${problem}`, EXIT.usage, "invalid_params");
  return name.trim();
}

export async function listDevices(c: Common, all: boolean): Promise<void> {
  // Oldest first, as this command has always printed (the gateway pages newest first): new devices at the bottom.
  const devices = (await fetchDevices(c, { includeRevoked: all })).reverse();
  if (c.json) return printJson({ devices });
  if (devices.length === 0) return console.log("No paired devices yet. Open the dashboard in a browser to request pairing.");
  printTable(
    ["ID", "FINGERPRINT", "NAME", "ROLE", "KEY", "APPROVED", "LAST ACTIVE", "EXPIRES", ...(all ? ["STATUS"] : [])],
    devices.map((d) => deviceRow(d, Date.now())),
  );
}

export async function listPending(c: Common): Promise<void> {
  const list = await callGateway(c.stateDir, "devices.list", { limit: 1 });
  if (c.json) return printJson({ pending: list.pending });
  if (list.pending.length === 0) return console.log("No browsers are waiting for approval.");
  const now = Date.now();
  printTable(
    ["FINGERPRINT", "NAME", "FROM", "WAITING TAB", "EXPIRES"],
    list.pending.map((p: PendingView) => [
      p.fingerprint,
      p.name,
      `${p.seenFrom.address} (${NETWORK_CLASS_LABELS[p.seenFrom.networkClass]})`,
      p.online ? "online" : "away",
      `in ${formatDuration(p.expiresAtMs - now)}`,
    ]),
  );
  console.log("\nCodes are shown only on the waiting browser. Approve with: pairgate devices approve CODE [--role admin]");
}

/**
 * The gateway's search (name, fingerprint, id prefix) finds a superset of what resolveDevice accepts, so only the
 * candidates travel, not all 10,000 devices; resolveDevice then applies the exact rules.
 */
export async function findDevice(c: Common, query: string): Promise<DeviceView> {
  const q = query.trim();
  return resolveDevice(query, q.length <= DEVICE_QUERY_MAX ? await fetchDevices(c, { query: q }) : []);
}

export async function approve(c: Common, code: string, opts: { role?: Role; name?: string; replaces?: string; expires?: string }): Promise<void> {
  checkCode(code);
  const name = opts.name === undefined ? undefined : checkName(opts.name, "--name");
  const expiresInMs = checkLifetime(opts.expires, "--expires");
  let replacesDeviceId: string | undefined;
  if (opts.replaces) replacesDeviceId = (await findDevice(c, opts.replaces)).id;
  const device = await callGateway(c.stateDir, "devices.approve", {
    code,
    ...(opts.role ? { role: opts.role } : {}),
    ...(name ? { name } : {}),
    ...(replacesDeviceId ? { replacesDeviceId } : {}),
    ...(expiresInMs !== undefined ? { expiresInMs } : {}),
  });
  if (c.json) return printJson({ device });
  const until = device.expiresAtMs === null ? "" : ` until ${formatTime(device.expiresAtMs)}`;
  console.log(
    `Approved ${quoteName(device.name)} (${device.fingerprint}) as ${device.role}${until}.${device.online ? " Its tab is paired now." : " It will be paired when it next connects."}`,
  );
}

export async function reject(c: Common, query: string): Promise<void> {
  await callGateway(c.stateDir, "devices.reject", await rejectTarget(c, query));
  if (c.json) return printJson({ rejected: true });
  console.log("Rejected. The waiting tab was told, and it may request again with a new code.");
}

/**
 * REQUEST for `devices reject`: a request id (`req_…`), the fingerprint `devices pending` lists, or the code on the
 * waiting screen. Both of the last two are XXXX-XXXX, so a fingerprint that a pending request has wins: that is
 * what the admin read off the list, and a code is never listed anywhere to be confused with.
 */
async function rejectTarget(c: Common, query: string): Promise<{ requestId: string } | { code: string }> {
  const q = query.trim();
  if (q.startsWith("req_")) return { requestId: q };
  const fp = q.toUpperCase().replace(/-/g, "");
  const list = await callGateway(c.stateDir, "devices.list", { limit: 1 }); // pending comes whole with any page
  const byFingerprint = list.pending.filter((p) => p.fingerprint.replace("-", "") === fp);
  if (byFingerprint.length === 1) return { requestId: byFingerprint[0]!.id };
  if (byFingerprint.length > 1)
    throw new CliError(`fingerprint ${query} matches ${byFingerprint.length} pending requests; use a request id (see --json)`, EXIT.refused, "conflict");
  return { code: checkCode(q, "a pairing code, a request id (req_…) or the fingerprint of a waiting browser") };
}

export async function revoke(c: Common, query: string): Promise<void> {
  const device = await findDevice(c, query);
  const result = await callGateway(c.stateDir, "devices.revoke", { deviceId: device.id });
  if (c.json) return printJson({ deviceId: device.id, ...result });
  console.log(`Revoked ${quoteName(device.name)} (${device.fingerprint}); closed ${result.closedConnections} connection(s) in ${result.ms} ms.`);
}

export async function rename(c: Common, query: string, name: string): Promise<void> {
  const newName = checkName(name, "NAME");
  const device = await findDevice(c, query);
  const updated = await callGateway(c.stateDir, "devices.rename", { deviceId: device.id, name: newName });
  if (c.json) return printJson({ device: updated });
  console.log(`Renamed ${device.fingerprint}: ${quoteName(device.name)} → ${quoteName(updated.name)}.`);
}

export async function invite(c: Common, opts: { role: Role; ttl: string; label?: string; deviceExpires?: string }): Promise<void> {
  const ttlMs = parseDuration(opts.ttl);
  if (ttlMs === null) throw new CliError(`--ttl must look like 15m, 2h or 1d, got "${opts.ttl}"`, EXIT.usage, "invalid_params");
  if (ttlMs < INVITE_TTL_MIN_MS || ttlMs > INVITE_TTL_MAX_MS)
    throw new CliError(`--ttl ${opts.ttl}: an invite lasts ${INVITE_TTL_RULE}`, EXIT.usage, "invalid_params");
  const label = opts.label === undefined ? "" : checkName(opts.label, "--label", true);
  const deviceExpiresInMs = checkLifetime(opts.deviceExpires, "--device-expires");
  const created = await callGateway(c.stateDir, "invites.create", {
    role: opts.role,
    ttlMs,
    ...(label ? { label } : {}),
    ...(deviceExpiresInMs !== undefined ? { deviceExpiresInMs } : {}),
  });
  if (c.json) return printJson({ inviteId: created.inviteId, url: created.url, expiresAtMs: created.expiresAtMs });
  const guest = deviceExpiresInMs === undefined ? "" : ` The browser it pairs expires ${formatDuration(deviceExpiresInMs)} after pairing.`;
  console.log(`One-time ${opts.role} invite, valid until ${formatTime(created.expiresAtMs)} (single use):${guest}\n  ${created.url}`);
  await printQr(created.url);
  console.log("Anyone who opens this link before it expires is paired, so send it privately.");
}

export async function audit(c: Common, limit: number): Promise<void> {
  const { entries } = await callGateway(c.stateDir, "audit.list", { limit });
  if (c.json) return printJson({ entries });
  if (entries.length === 0) return console.log("The audit log is empty.");
  printTable(
    ["TIME", "WHAT"],
    entries.map((e) => [formatTime(e.atMs), describeAuditEntry(e)]),
  );
}
