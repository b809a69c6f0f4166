// Rate limited or too many waiting requests: wait as long as the gateway said, then retry by itself.
import { Countdown } from "../components/countdown.js";
import { ErrorCode } from "../components/error-code.js";
import { StatusScreen } from "../components/status-screen.js";
import { ERRORS } from "../../../shared/protocol/errors.js";

export function RateLimitedPage({ code, retryAtMs, closeCode }: { code: "rate_limited" | "pending_limit"; retryAtMs: number; closeCode: number | null }) {
  return (
    <StatusScreen
      state="rate_limited"
      tone="wait"
      title={code === "pending_limit" ? "Too many browsers are waiting" : "Too many attempts"}
      detail={<ErrorCode code={code} closeCode={closeCode} />}
    >
      <p>
        {ERRORS[code].message} {ERRORS[code].action}
      </p>
      <p className="retry-line">
        Trying again in <Countdown targetMs={retryAtMs} testId="retry-countdown" overText="a moment" />.
      </p>
    </StatusScreen>
  );
}
