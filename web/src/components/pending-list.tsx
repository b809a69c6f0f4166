// Waiting browsers, newest first, with which one (if any) the next approval should replace.
import type { PendingView } from "../../../shared/protocol/views.js";
import { useNow } from "../hooks/use-now.js";
import { PendingRow } from "./pending-row.js";

export interface PendingListProps {
  pending: PendingView[];
  replaceRequestId: string | null;
  onReplaceChange(requestId: string | null): void;
}

export function PendingList({ pending, replaceRequestId, onReplaceChange }: PendingListProps) {
  const nowMs = useNow(30_000);
  if (pending.length === 0)
    return (
      <p className="empty" data-testid="pending-empty">
        No browser is waiting right now. New requests appear here by themselves.
      </p>
    );
  const sorted = [...pending].sort((a, b) => b.createdAtMs - a.createdAtMs);
  return (
    <ul className="rows" aria-label="Waiting browsers">
      {sorted.map((request) => (
        <PendingRow
          key={request.id}
          request={request}
          nowMs={nowMs}
          isReplaceChecked={replaceRequestId === request.id}
          onReplaceChange={(isChecked) => onReplaceChange(isChecked ? request.id : null)}
        />
      ))}
    </ul>
  );
}
