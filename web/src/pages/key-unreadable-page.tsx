// The stored key exists but can't be used. Never replaced silently: the user chooses a new key.
import { ErrorCode } from "../components/error-code.js";
import { StatusScreen } from "../components/status-screen.js";
import { Button } from "../ui/button.js";

export function KeyUnreadablePage({ reason, onPairAgain }: { reason: string; onPairAgain(): void }) {
  return (
    <StatusScreen
      state="key_unreadable"
      tone="bad"
      title="This browser's key can't be read"
      actions={
        <Button variant="danger" onClick={onPairAgain} data-testid="pair-again">
          Pair again (new key)
        </Button>
      }
      detail={<ErrorCode code="key_unreadable" />}
    >
      <p>
        A device key is stored here, but it can't be used: <span className="reason">{reason}</span>
      </p>
      <p>
        Pairing again deletes it and makes a new key, which needs a new approval. If this browser was paired before, an admin can remove the old entry, or
        approve the new one as its replacement.
      </p>
    </StatusScreen>
  );
}
