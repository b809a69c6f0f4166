// One audit entry → one sentence a person can read, with names and labels instead of ids, hashes and epoch
// numbers. The gateway writes the names into `detail` when the action happens (a later rename does not rewrite
// history); entries written before that carry only ids, and read as "device 1a2b3c4d5e6f".
import type { AuditEntry } from "../protocol/admin-views.js";
import { NETWORK_CLASS_LABELS, NETWORK_CLASSES, type NetworkClass } from "../net/network-class.js";
import { quoteName, printable } from "./text.js";
import { formatDuration, formatTime } from "./time.js";

type Detail = AuditEntry["detail"];

const str = (d: Detail, key: string): string | undefined => (typeof d[key] === "string" && d[key] !== "" ? (d[key] as string) : undefined);
const num = (d: Detail, key: string): number | undefined => (typeof d[key] === "number" ? (d[key] as number) : undefined);

/** `"Chrome on Linux" (ABCD-EFGH)`, or what is known of it. */
function deviceLabel(name: string | undefined, fingerprint: string | undefined, deviceId: string | undefined): string {
  const who = name !== undefined ? quoteName(name) : deviceId ? `device ${printable(deviceId.slice(0, 12))}` : "a device";
  return fingerprint ? `${who} (${printable(fingerprint)})` : who;
}

/** `, by "alice-laptop" via the dashboard` or ` via the CLI`. */
function byActor(e: AuditEntry): string {
  const via = str(e.detail, "via");
  if (via === "cli") return " via the CLI";
  if (via === "dashboard") return `, by ${quoteName(e.actor)} via the dashboard`;
  return e.actor ? `, by ${quoteName(e.actor)}` : "";
}

function inviteLabel(d: Detail): string {
  const label = str(d, "label") ?? str(d, "inviteLabel");
  if (label !== undefined) return `invite ${quoteName(label)}`;
  const id = str(d, "inviteId");
  // No article here: every caller says "the …" ("paired with the invite", "Created the admin invite").
  return id ? `invite ${printable(id)}` : "invite";
}

function networkLabel(value: string | undefined): string {
  return value && (NETWORK_CLASSES as readonly string[]).includes(value) ? NETWORK_CLASS_LABELS[value as NetworkClass] : "";
}

/**
 * e.g. `Approved "Chrome on Linux" (ABCD-EFGH) as viewer, by "alice-laptop" via the dashboard`.
 * Every name in the sentence is quoted and escaped (see printable), so it is safe for a terminal as it is.
 */
export function describeAuditEntry(e: AuditEntry): string {
  const d = e.detail;
  const device = deviceLabel(str(d, "name"), str(d, "fingerprint"), e.deviceId);
  const role = str(d, "role");
  switch (e.action) {
    case "request_created": {
      const from = str(d, "address");
      const where = networkLabel(str(d, "networkClass"));
      return `${deviceLabel(str(d, "name") ?? e.actor, str(d, "fingerprint"), e.deviceId)} asked to pair${from ? ` from ${printable(from)}${where ? ` (${where})` : ""}` : ""}`;
    }
    case "approved": {
      const replaces = str(d, "replaces");
      const replacing = replaces ? `, replacing ${deviceLabel(str(d, "replacesName"), str(d, "replacesFingerprint"), replaces)}` : "";
      const how = str(d, "via") === "invite" ? ` with the ${inviteLabel(d)}` : byActor(e);
      const until = num(d, "expiresAtMs");
      return `Approved ${device}${role ? ` as ${role}` : ""}${until !== undefined ? ` until ${formatTime(until)}` : ""}${replacing}${how}`;
    }
    case "rejected":
      return `Rejected the pairing request of ${device}${byActor(e)}`;
    case "expired":
      return `The pairing request of ${device} expired unanswered`;
    case "revoked": {
      if (str(d, "reason") === "replaced") {
        return `Removed ${device}: replaced by ${deviceLabel(str(d, "byName"), str(d, "byFingerprint"), str(d, "by"))}${byActor(e)}`;
      }
      if (str(d, "reason") === "expired") {
        const idleMs = num(d, "idleMs");
        return `Removed ${device}: ${idleMs !== undefined ? `not seen for ${formatDuration(idleMs)}` : "its end time passed"} (expired)`;
      }
      return `Removed ${device}${byActor(e)}`;
    }
    case "renamed": {
      const from = str(d, "from");
      const to = str(d, "to");
      return `Renamed ${from !== undefined ? quoteName(from) : device} to ${to !== undefined ? quoteName(to) : "a new name"}${byActor(e)}`;
    }
    case "invite_created": {
      const expiresAtMs = num(d, "expiresAtMs");
      return `Created the ${role ? `${role} ` : ""}${inviteLabel(d)}${expiresAtMs !== undefined ? ` (valid until ${formatTime(expiresAtMs)})` : ""}${byActor(e)}`;
    }
    case "invite_used":
      return `${deviceLabel(str(d, "name") ?? e.actor, str(d, "fingerprint"), e.deviceId)} paired with the ${role ? `${role} ` : ""}${inviteLabel(d)}`;
    case "invite_revoked":
      return `Revoked the ${inviteLabel(d)}${byActor(e)}`;
    case "sessions_ended": {
      const count = num(d, "count") ?? 1;
      const which =
        str(d, "sessionId") !== undefined ? `the app session ${printable(str(d, "sessionId")!)}` : count === 1 ? "1 app session" : `${count} app sessions`;
      return `Ended ${which} of ${device}${byActor(e)}`;
    }
    case "handshake_refused": {
      const count = num(d, "count") ?? 1;
      const since = num(d, "sinceMs");
      const code = str(d, "code");
      const from = str(d, "address") ?? e.actor;
      return `Refused ${count === 1 ? "1 connection" : `${count} connections`} from ${printable(from)}${code ? ` (${printable(code)})` : ""}${since !== undefined ? ` since ${formatTime(since)}` : ""}`;
    }
    case "refusal_burst": {
      const from = str(d, "address") ?? e.actor;
      const where = networkLabel(str(d, "networkClass"));
      const windowMs = num(d, "windowMs");
      return `Alert: ${num(d, "count") ?? "many"} refused connections from ${printable(from)}${where ? ` (${where})` : ""}${windowMs !== undefined ? ` within ${formatDuration(windowMs)}` : ""}`;
    }
  }
}
