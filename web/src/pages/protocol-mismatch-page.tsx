// Wrong protocol: this page is older or newer than the gateway; the gateway serves the matching dashboard.
import { ErrorCode } from "../components/error-code.js";
import { StatusScreen } from "../components/status-screen.js";
import { Button } from "../ui/button.js";

export function ProtocolMismatchPage({ detail, closeCode, onReload }: { detail: string; closeCode: number | null; onReload(): void }) {
  return (
    <StatusScreen
      state="protocol_mismatch"
      tone="warn"
      title="This dashboard needs an update"
      actions={
        <Button variant="primary" onClick={onReload} data-testid="reload">
          Reload to update the dashboard
        </Button>
      }
      detail={<ErrorCode code="protocol_mismatch" closeCode={closeCode} />}
    >
      <p>The gateway and this page speak different protocol versions. {detail}</p>
    </StatusScreen>
  );
}
