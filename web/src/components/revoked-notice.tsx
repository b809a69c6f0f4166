// "Revoked …": the confirmation after a revoke, since the device's row simply disappears. Clears by itself.
import { useClearAfter } from "../hooks/use-clear-after.js";
import { plural } from "../lib/format.js";
import { Notice } from "../ui/notice.js";

export interface RevokedDevice {
  name: string;
  fingerprint: string;
  closedConnections: number;
}

export function RevokedNotice({ revoked, onClear }: { revoked: RevokedDevice; onClear(): void }) {
  useClearAfter(true, onClear);
  return (
    <Notice tone="good" testId="revoke-result">
      Revoked <strong>{revoked.name}</strong> ({revoked.fingerprint}):{" "}
      {revoked.closedConnections === 0 ? "it had no open tab" : `${plural(revoked.closedConnections, "open tab")} disconnected`}, and its key no longer works.
    </Notice>
  );
}
