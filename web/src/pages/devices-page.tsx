// Devices (admins): approve by code, waiting requests, paired devices, invites and the audit log.
// Loaded lazily; everything on it updates live from devices.changed.
import { useCallback, useState } from "react";
import type { DeviceView } from "../../../shared/protocol/views.js";
import { ApproveForm } from "../components/approve-form.js";
import { AuditLog } from "../components/audit-log.js";
import { DeviceList } from "../components/device-list.js";
import { InvitePanel } from "../components/invite-panel.js";
import { PendingList } from "../components/pending-list.js";
import { RevokeDialog } from "../components/revoke-dialog.js";
import { RevokedNotice, type RevokedDevice } from "../components/revoked-notice.js";
import { useDevices } from "../hooks/use-devices.js";
import { Card } from "../ui/card.js";
import { Notice } from "../ui/notice.js";
import { Skeleton } from "../ui/skeleton.js";

export interface DevicesPageProps {
  sessionEpoch: number;
  approveCode: string | undefined;
  onApproveCodeUsed(): void;
}

export function DevicesPage({ sessionEpoch, approveCode, onApproveCodeUsed }: DevicesPageProps) {
  const { status, data, error } = useDevices(sessionEpoch);
  const [replaceRequestId, setReplaceRequestId] = useState<string | null>(null);
  const [revokeTarget, setRevokeTarget] = useState<DeviceView | null>(null);
  const [revoked, setRevoked] = useState<RevokedDevice | null>(null);
  const clearRevoked = useCallback(() => setRevoked(null), []);
  const pending = data?.pending ?? [];
  const devices = (data?.devices ?? []).filter((device) => device.revokedAtMs === undefined);
  const replaces = pending.find((request) => request.id === replaceRequestId)?.replaces ?? null;

  return (
    <main data-state="paired" data-page="devices" className="screen screen-devices">
      <header className="page-head">
        <h1>Devices</h1>
        <p className="lead">Every browser here proved its own key. Approve new ones by the code they show; revoke any of them at once.</p>
      </header>
      {status === "error" ? (
        <Notice tone="bad" testId="devices-error">
          Could not load devices: {error.message}
        </Notice>
      ) : null}

      <Card title={`Waiting for approval${pending.length ? ` (${pending.length})` : ""}`} testId="pending-section">
        <ApproveForm
          initialCode={approveCode}
          replaces={replaces}
          onApproved={() => {
            setReplaceRequestId(null);
            onApproveCodeUsed();
          }}
        />
        {status === "loading" ? <Skeleton shape="line" /> : <PendingList pending={pending} replaceRequestId={replaceRequestId} onReplaceChange={setReplaceRequestId} />}
      </Card>

      <Card title={`Paired devices${status === "ready" ? ` (${devices.length})` : ""}`} testId="devices-section">
        {revoked ? <RevokedNotice key={revoked.fingerprint} revoked={revoked} onClear={clearRevoked} /> : null}
        {status === "loading" ? <Skeleton shape="line" /> : <DeviceList devices={devices} onRevoke={setRevokeTarget} />}
      </Card>

      <Card title="Invites" testId="invites-section">
        <InvitePanel invites={data?.invites ?? []} />
      </Card>

      <Card title="Audit log" testId="audit-section">
        <AuditLog sessionEpoch={sessionEpoch} />
      </Card>

      {revokeTarget ? (
        <RevokeDialog
          device={revokeTarget}
          onClose={() => setRevokeTarget(null)}
          onRevoked={(device, closedConnections) => {
            setRevokeTarget(null);
            setRevoked({ name: device.name, fingerprint: device.fingerprint, closedConnections });
          }}
        />
      ) : null}
    </main>
  );
}
