// Rejected by an admin: the same key may ask again and gets a new code.
import { ErrorCode } from "../components/error-code.js";
import { StatusScreen } from "../components/status-screen.js";
import { Button } from "../ui/button.js";

export function RejectedPage({ closeCode, onRequestAgain }: { closeCode: number | null; onRequestAgain(): void }) {
  return (
    <StatusScreen
      state="rejected"
      tone="bad"
      title="Pairing request rejected"
      actions={
        <Button variant="primary" onClick={onRequestAgain} data-testid="request-again">
          Request again
        </Button>
      }
      detail={<ErrorCode code="pairing_rejected" closeCode={closeCode} />}
    >
      <p>An admin rejected this browser's request. If that was a mistake, request again and ask them to approve the new code.</p>
    </StatusScreen>
  );
}
