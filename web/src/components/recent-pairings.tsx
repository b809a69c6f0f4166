// "Recent activity": the newest pairings, for every paired tab, so an unexpected one is noticed. Loaded once per
// session and kept live from devices.paired.
import { useEffect, useState } from "react";
import { formatRelativeTime } from "../../../shared/format/time.js";
import type { PairedNotice } from "../../../shared/protocol/views.js";
import { usePairgate } from "../react/context.js";
import { useEvent } from "../react/use-event.js";
import { useNow } from "../hooks/use-now.js";
import { APPROVED_VIA_LABELS } from "../lib/labels.js";
import { Card } from "../ui/card.js";

const SHOWN = 5;

export function RecentPairings({ sessionEpoch }: { sessionEpoch: number }) {
  const client = usePairgate();
  const [paired, setPaired] = useState<PairedNotice[] | null>(null);
  const nowMs = useNow(30_000);
  useEffect(() => {
    let isCurrent = true;
    client.call("devices.recent", { limit: SHOWN }).then(
      (result) => isCurrent && setPaired(result.paired),
      () => isCurrent && setPaired([]), // the list is a courtesy: without it the live notices still show
    );
    return () => {
      isCurrent = false;
    };
  }, [client, sessionEpoch]);
  useEvent("devices.paired", ({ device }) => setPaired((list) => [device, ...(list ?? []).filter((d) => d.id !== device.id)].slice(0, SHOWN)));
  return (
    <Card title="Recent activity" testId="recent-activity">
      {paired === null ? null : paired.length === 0 ? (
        <p className="empty">No browsers paired yet.</p>
      ) : (
        <ul className="rows" aria-label="Recently paired browsers">
          {paired.map((d) => (
            <li key={d.id} className="row" data-testid="recent-pairing">
              <span>
                <strong>{d.name}</strong> ({d.fingerprint}) paired as {d.role} by {d.approvedBy} via {APPROVED_VIA_LABELS[d.approvedVia]},{" "}
                {formatRelativeTime(d.approvedAtMs, nowMs)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
