// No usable IndexedDB (site data blocked, some private modes): a key can't be kept, so pairing can't work.
import { ErrorCode } from "../components/error-code.js";
import { StatusScreen } from "../components/status-screen.js";
import { Button } from "../ui/button.js";

export function StorageUnavailablePage({ reason, onRetryNow }: { reason: string; onRetryNow(): void }) {
  return (
    <StatusScreen
      state="storage_unavailable"
      tone="bad"
      title="This browser can't store a key here"
      actions={
        <Button variant="primary" onClick={onRetryNow} data-testid="retry-now">
          Try again
        </Button>
      }
      detail={<ErrorCode code="storage_unavailable" />}
    >
      <p>
        pairgate keeps this browser's key in IndexedDB, and IndexedDB is not available: <span className="reason">{reason}</span>
      </p>
      <p>Allow site data for this address (or leave private browsing), then try again.</p>
    </StatusScreen>
  );
}
