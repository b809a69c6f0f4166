// Expired: nobody approved the code within 10 minutes; asking again gives a new one.
import { ErrorCode } from "../components/error-code.js";
import { StatusScreen } from "../components/status-screen.js";
import { Button } from "../ui/button.js";

export function ExpiredPage({ closeCode, onRequestAgain }: { closeCode: number | null; onRequestAgain(): void }) {
  return (
    <StatusScreen
      state="expired"
      tone="warn"
      title="The pairing code expired"
      actions={
        <Button variant="primary" onClick={onRequestAgain} data-testid="request-again">
          Request again
        </Button>
      }
      detail={<ErrorCode code="pairing_expired" closeCode={closeCode} />}
    >
      <p>Codes are valid for 10 minutes. Request again to get a new code, then approve it from the CLI or an admin browser.</p>
    </StatusScreen>
  );
}
