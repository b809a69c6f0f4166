// Auth failed twice: usually a clock more than 2 minutes off, so say the measured skew.
import { ErrorCode } from "../components/error-code.js";
import { StatusScreen } from "../components/status-screen.js";
import { formatDuration } from "../../../shared/format/time.js";
import { Button } from "../ui/button.js";

export function AuthFailedPage({ clockSkewMs, closeCode, onRetryNow }: { clockSkewMs: number | null; closeCode: number | null; onRetryNow(): void }) {
  const isSkewed = clockSkewMs !== null && Math.abs(clockSkewMs) > 60_000;
  return (
    <StatusScreen
      state="auth_failed"
      tone="warn"
      title="The gateway could not verify this browser"
      actions={
        <Button variant="primary" onClick={onRetryNow} data-testid="retry-now">
          Try again
        </Button>
      }
      detail={<ErrorCode code="auth_failed" closeCode={closeCode} />}
    >
      {isSkewed ? (
        <p data-testid="clock-skew">
          This computer's clock is about {formatDuration(Math.abs(clockSkewMs))} {clockSkewMs > 0 ? "ahead of" : "behind"} the gateway's. Set the clock right
          (automatic time), then try again.
        </p>
      ) : (
        <p>The signature was refused twice. Check this computer's clock, then try again. If it keeps failing, check the gateway's log.</p>
      )}
    </StatusScreen>
  );
}
