// One device's app sessions: count, last use, and "End sessions".
import { formatRelativeTime } from "../../../shared/format/time.js";
import { useEndDeviceSessions, type DeviceSessions } from "../hooks/use-app-sessions.js";
import { Button } from "../ui/button.js";

export interface AppSessionRowProps {
  sessions: DeviceSessions;
  nowMs: number;
  onEnded(): void;
}

export function AppSessionRow({ sessions, nowMs, onEnded }: AppSessionRowProps) {
  const end = useEndDeviceSessions(onEnded);
  const name = sessions.deviceName || sessions.deviceId.slice(0, 12);
  return (
    <li className="row app-session-row" data-testid="app-session-row" data-device-id={sessions.deviceId}>
      <div className="row-main">
        <p className="row-title">{name}</p>
        <p className="row-meta">
          <span data-testid="app-session-count">
            {sessions.count} app session{sessions.count === 1 ? "" : "s"}
          </span>
          <span className="dot-sep"> · </span>
          last used {formatRelativeTime(sessions.lastUsedAtMs, nowMs)}
        </p>
        {end.error ? (
          <p className="field-error" role="alert">
            {end.error.message}
          </p>
        ) : null}
      </div>
      <div className="row-actions">
        <Button
          size="sm"
          variant="danger"
          data-testid="app-sessions-end"
          isBusy={end.status === "busy"}
          onClick={() => void end.run(sessions.deviceId)}
          aria-label={`End sessions of ${name}`}
        >
          End sessions
        </Button>
      </div>
    </li>
  );
}
