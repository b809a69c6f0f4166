// One audit entry: when, and one sentence with names and labels (shared/format/audit.ts, the same sentence
// `pairgate audit` prints). Ids and hashes stay out of sight; the time is the CLI's format too.
import { describeAuditEntry } from "../../../shared/format/audit.js";
import { formatRelativeTime, formatTime } from "../../../shared/format/time.js";
import type { AuditEntry } from "../../../shared/protocol/admin-views.js";

export function AuditRow({ entry, nowMs }: { entry: AuditEntry; nowMs: number }) {
  return (
    <li className={`audit-row audit-${entry.action}`} data-testid="audit-row" data-action={entry.action}>
      <time dateTime={new Date(entry.atMs).toISOString()} className="audit-time" title={formatRelativeTime(entry.atMs, nowMs)}>
        {formatTime(entry.atMs, { seconds: true })}
      </time>
      <span className="audit-text" data-testid="audit-text">
        {describeAuditEntry(entry)}
      </span>
    </li>
  );
}
