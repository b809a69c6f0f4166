// One waiting browser. Its code is deliberately not here: the approver must read it off that browser.
import type { PendingView } from "../../../shared/protocol/views.js";
import { useReject } from "../hooks/use-device-actions.js";
import { formatRelativeTime } from "../../../shared/format/time.js";
import { Badge } from "../ui/badge.js";
import { Button } from "../ui/button.js";
import { Countdown } from "./countdown.js";
import { SeenFrom } from "./seen-from.js";

export interface PendingRowProps {
  request: PendingView;
  nowMs: number;
  isReplaceChecked: boolean;
  onReplaceChange(isChecked: boolean): void;
}

export function PendingRow({ request, nowMs, isReplaceChecked, onReplaceChange }: PendingRowProps) {
  const reject = useReject();
  return (
    <li className="row pending-row" data-testid="pending-row" data-request-id={request.id}>
      <div className="row-main">
        <p className="row-title">
          <span>{request.name || "Unnamed browser"}</span>
          <Badge tone={request.keyStorage === "webcrypto" ? "good" : "warn"}>{request.keyStorage}</Badge>
          {request.online ? (
            <Badge tone="good" testId="pending-online">
              Waiting tab online
            </Badge>
          ) : (
            <Badge testId="pending-offline" title="Approving still works: it pairs on its next visit">
              Tab closed
            </Badge>
          )}
        </p>
        <p className="row-meta">
          Fingerprint <code data-testid="pending-fingerprint">{request.fingerprint}</code>
          <span className="dot-sep"> · </span>
          from <SeenFrom seenFrom={request.seenFrom} testId="pending-seen-from" />
        </p>
        <p className="row-meta muted">
          Requested {formatRelativeTime(request.createdAtMs, nowMs)}, expires in <Countdown targetMs={request.expiresAtMs} overText="now" />
        </p>
        {request.replaces ? (
          <label className="check">
            <input type="checkbox" data-testid="replaces-checkbox" checked={isReplaceChecked} onChange={(event) => onReplaceChange(event.target.checked)} />
            <span>
              Replaces <strong>{request.replaces.name}</strong> ({request.replaces.fingerprint}): same name and browser. Approving carries the name over and
              revokes the old key.
            </span>
          </label>
        ) : null}
        {reject.error ? (
          <p className="field-error" role="alert">
            {reject.error.message}
          </p>
        ) : null}
      </div>
      <div className="row-actions">
        <Button variant="ghost" size="sm" data-testid="reject-button" isBusy={reject.status === "busy"} onClick={() => void reject.run(request.id)}>
          Reject
        </Button>
      </div>
    </li>
  );
}
