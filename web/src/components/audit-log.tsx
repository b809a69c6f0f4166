// The audit log, newest first; refreshes on device changes, older pages on request.
import { useAudit } from "../hooks/use-audit.js";
import { useNow } from "../hooks/use-now.js";
import { Button } from "../ui/button.js";
import { Skeleton } from "../ui/skeleton.js";
import { AuditRow } from "./audit-row.js";

export function AuditLog({ sessionEpoch }: { sessionEpoch: number }) {
  const audit = useAudit(sessionEpoch);
  const nowMs = useNow(30_000);
  if (audit.status === "loading") return <Skeleton shape="line" />;
  return (
    <div className="stack">
      {audit.error ? (
        <p className="field-error" role="alert">
          Could not load the audit log: {audit.error.message}
        </p>
      ) : null}
      {audit.data.length === 0 ? (
        <p className="empty">Nothing recorded yet.</p>
      ) : (
        <ol className="audit" aria-label="Audit entries, newest first">
          {audit.data.map((entry) => (
            <AuditRow key={entry.id} entry={entry} nowMs={nowMs} />
          ))}
        </ol>
      )}
      <div className="row-actions">
        <Button size="sm" variant="ghost" onClick={() => void audit.refresh()} data-testid="audit-refresh">
          Refresh
        </Button>
        {audit.hasMore ? (
          <Button size="sm" onClick={audit.loadOlder} data-testid="audit-older">
            Load older
          </Button>
        ) : null}
      </div>
    </div>
  );
}
