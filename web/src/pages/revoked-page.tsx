// Revoked: who removed this browser and when. A revoked key never pairs again, so "Pair again" makes a new one.
import { ErrorCode } from "../components/error-code.js";
import { StatusScreen } from "../components/status-screen.js";
import { formatTime } from "../../../shared/format/time.js";
import type { RevokeReason } from "../../../shared/protocol/views.js";
import { Button } from "../ui/button.js";

export interface RevokedPageProps {
  byName: string;
  atMs: number;
  reason: RevokeReason;
  closeCode: number | null;
  onPairAgain(): void;
}

export function RevokedPage({ byName, atMs, reason, closeCode, onPairAgain }: RevokedPageProps) {
  const isExpired = reason === "expired";
  return (
    <StatusScreen
      state="revoked"
      tone="bad"
      title={isExpired ? "This browser's access expired" : "This browser was removed"}
      actions={
        <Button variant="primary" onClick={onPairAgain} data-testid="pair-again">
          Pair again
        </Button>
      }
      detail={<ErrorCode code="device_revoked" closeCode={closeCode} />}
    >
      <p className="revoked-by" data-testid="revoked-by">
        {isExpired
          ? `Its time on this gateway ran out at ${formatTime(atMs)}: it was paired as a guest with an end time, or it was not used for too long.`
          : `Removed by ${byName} at ${formatTime(atMs)}`}
      </p>
      <p>Its key no longer works anywhere. Pair again to delete the old key, make a new one and get a new code for an admin to approve.</p>
    </StatusScreen>
  );
}
