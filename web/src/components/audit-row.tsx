// One audit entry: when, what, who, and the recorded details.
import type { AuditEntry } from "../../../shared/protocol/views.js";
import { formatDateTime, formatShortDateTime } from "../lib/format.js";
import { AUDIT_ACTION_LABELS } from "../lib/labels.js";

export function AuditRow({ entry }: { entry: AuditEntry }) {
  const details = Object.entries(entry.detail)
    .filter(([, value]) => value !== null && value !== "")
    .map(([key, value]) => `${key}: ${key.endsWith("AtMs") && typeof value === "number" ? formatDateTime(value) : String(value)}`)
    .join(" · ");
  return (
    <li className={`audit-row audit-${entry.action}`} data-testid="audit-row" data-action={entry.action}>
      <time dateTime={new Date(entry.atMs).toISOString()} className="audit-time">
        {formatShortDateTime(entry.atMs)}
      </time>
      <span className="audit-action">{AUDIT_ACTION_LABELS[entry.action]}</span>
      <span className="audit-actor">by {entry.actor || "unknown"}</span>
      {details || entry.deviceId ? (
        <span className="audit-detail">
          {entry.deviceId ? `device ${entry.deviceId.slice(0, 12)}` : ""}
          {entry.deviceId && details ? " · " : ""}
          {details}
        </span>
      ) : null}
    </li>
  );
}
