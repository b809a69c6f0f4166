// The audit log, newest first. Reloads its first page when devices change (every audited action but
// refused handshakes does that); older pages load on request.
import { useCallback, useEffect, useState } from "react";
import type { AuditEntry } from "../../../shared/protocol/admin-views.js";
import { toCallError, type GatewayCallError } from "../gateway/call-error.js";
import { changesDevices } from "../lib/devices-list.js";
import { usePairgate } from "../react/context.js";

const PAGE_SIZE = 50;

interface AuditState {
  status: "loading" | "ready" | "error";
  data: AuditEntry[];
  error: GatewayCallError | null;
  hasMore: boolean;
}

export function useAudit(sessionEpoch: number) {
  const client = usePairgate();
  const [state, setState] = useState<AuditState>({ status: "loading", data: [], error: null, hasMore: false });

  const loadNewest = useCallback(
    () =>
      client.call("audit.list", { limit: PAGE_SIZE }).then(
        ({ entries }) =>
          setState((previous) => {
            const oldestNewId = entries.at(-1)?.id ?? Number.POSITIVE_INFINITY;
            const older = previous.data.filter((entry) => entry.id < oldestNewId);
            return { status: "ready", data: [...entries, ...older], error: null, hasMore: older.length > 0 ? previous.hasMore : entries.length === PAGE_SIZE };
          }),
        (error: unknown) => setState((previous) => ({ ...previous, status: "error", error: toCallError(error) })),
      ),
    [client],
  );

  useEffect(() => {
    void loadNewest();
    // Presence-only diffs are not audited; at thousands of handshakes a second they would reload the log every second.
    return client.on("devices.changed", (diff) => changesDevices(diff) && void loadNewest());
  }, [client, loadNewest, sessionEpoch]);

  const loadOlder = useCallback(() => {
    const beforeId = state.data.at(-1)?.id;
    if (beforeId === undefined) return;
    client.call("audit.list", { limit: PAGE_SIZE, beforeId }).then(
      ({ entries }) =>
        setState((previous) => ({
          ...previous,
          data: [...previous.data, ...entries.filter((entry) => entry.id < beforeId)],
          hasMore: entries.length === PAGE_SIZE,
        })),
      (error: unknown) => setState((previous) => ({ ...previous, error: toCallError(error) })),
    );
  }, [client, state.data]);

  return { ...state, loadOlder, refresh: loadNewest };
}
