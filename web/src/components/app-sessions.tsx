// Each device's app sessions (the front door's cookies): how many, when last used, and a button that ends them.
// Ending them doesn't revoke the device: its key opens a new session on its next page load.
import { useAppSessions } from "../hooks/use-app-sessions.js";
import { useNow } from "../hooks/use-now.js";
import { Skeleton } from "../ui/skeleton.js";
import { AppSessionRow } from "./app-session-row.js";

export function AppSessions({ sessionEpoch }: { sessionEpoch: number }) {
  const sessions = useAppSessions(sessionEpoch);
  const nowMs = useNow(30_000);
  if (sessions.status === "loading") return <Skeleton shape="line" />;
  return (
    <div className="stack">
      {sessions.error ? (
        <p className="field-error" role="alert">
          Could not load app sessions: {sessions.error.message}
        </p>
      ) : null}
      {sessions.data.length === 0 ? (
        <p className="empty" data-testid="app-sessions-empty">
          No device has an app session.
        </p>
      ) : (
        <ul className="rows" aria-label="App sessions by device">
          {sessions.data.map((d) => (
            <AppSessionRow key={d.deviceId} sessions={d} nowMs={nowMs} onEnded={sessions.reload} />
          ))}
        </ul>
      )}
    </div>
  );
}
