// A refusal that is a bug, not a situation (bad_frame and the like): say so and offer a reload.
import type { ErrorCode as ErrorCodeName } from "../../../shared/protocol/errors.js";
import { ErrorCode } from "../components/error-code.js";
import { StatusScreen } from "../components/status-screen.js";
import { Button } from "../ui/button.js";

export function FailedPage({ code, message, closeCode, onReload }: { code: ErrorCodeName; message: string; closeCode: number | null; onReload(): void }) {
  return (
    <StatusScreen
      state="failed"
      tone="bad"
      title="Something went wrong"
      actions={
        <Button variant="primary" onClick={onReload} data-testid="reload">
          Reload
        </Button>
      }
      detail={<ErrorCode code={code} closeCode={closeCode} />}
    >
      <p>{message}</p>
      <p>This is most likely a bug. Reload the page; if it happens again, report it with the detail below.</p>
    </StatusScreen>
  );
}
