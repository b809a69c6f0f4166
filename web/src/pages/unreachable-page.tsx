// Gateway unreachable: retries by itself with backoff; shows when, and offers "Retry now".
import { ErrorCode } from "../components/error-code.js";
import { StatusScreen } from "../components/status-screen.js";
import { Countdown } from "../components/countdown.js";
import { UNREACHABLE_REASONS, type UnreachableReason } from "../gateway/gateway-state.js";
import { Button } from "../ui/button.js";
import { WhoamiLink } from "../components/whoami-link.js";
import { useWhoami } from "../hooks/use-whoami.js";

export interface UnreachablePageProps {
  attempt: number;
  retryAtMs: number;
  reason: UnreachableReason;
  closeCode: number | null;
  onRetryNow(): void;
}

export function UnreachablePage({ attempt, retryAtMs, reason, closeCode, onRetryNow }: UnreachablePageProps) {
  const whoami = useWhoami(attempt);
  const refused = whoami.data && (!whoami.data.hostAllowed || whoami.data.originAllowed === false);
  return (
    <StatusScreen
      state="unreachable"
      tone="wait"
      title="Can't reach the gateway"
      actions={
        <Button variant="primary" onClick={onRetryNow} data-testid="retry-now">
          Retry now
        </Button>
      }
      detail={<ErrorCode code={reason === "no_connection" ? "gateway_unreachable" : reason} closeCode={closeCode} />}
    >
      <p>
        {UNREACHABLE_REASONS[reason]}
        {reason === "no_connection" ? " Is it running, and is this the right address?" : ""}
      </p>
      {refused ? (
        <div className="side-block" data-testid="whoami-diagnosis">
          <h2 className="side-title">Why the gateway refuses this browser</h2>
          <ul>
            {whoami.data!.diagnosis.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p>
            <WhoamiLink />
          </p>
        </div>
      ) : null}
      <p className="retry-line">
        Trying again in <Countdown targetMs={retryAtMs} testId="retry-countdown" overText="a moment" /> (attempt {attempt}). Your pairing and any waiting code
        are kept.
      </p>
    </StatusScreen>
  );
}
