// Devices (admins): approve by code, waiting requests, paired devices (searched on the gateway, virtualised),
// invites and the audit log. Loaded lazily; everything on it updates live from devices.changed diffs.
import { memo, useCallback, useState } from "react";
import type { DeviceView, InviteView, PendingView } from "../../../shared/protocol/views.js";
import { AppSessions } from "../components/app-sessions.js";
import { ApproveForm } from "../components/approve-form.js";
import { AuditLog } from "../components/audit-log.js";
import { DeviceList } from "../components/device-list.js";
import { DeviceSearch } from "../components/device-search.js";
import { InvitePanel } from "../components/invite-panel.js";
import { PendingList } from "../components/pending-list.js";
import { RevokeDialog } from "../components/revoke-dialog.js";
import { RevokedNotice, type RevokedDevice } from "../components/revoked-notice.js";
import { useDevices } from "../react/use-devices.js";
import { Card } from "../ui/card.js";
import { Notice } from "../ui/notice.js";
import { Skeleton } from "../ui/skeleton.js";
import { NotifyButton } from "../components/notify-button.js";

export { AdminAlerts } from "../components/admin-alerts.js";

// This page re-renders on every keystroke in the search box and whenever a dialog opens; each section re-renders
// only when its own props change, so a click answers in well under 100 ms with 10,000 devices.
const Pending = memo(PendingList);
const Devices = memo(DeviceList);
const Invites = memo(InvitePanel);
const Audit = memo(AuditLog);
const Sessions = memo(AppSessions);

const NO_PENDING: PendingView[] = [];
const NO_DEVICES: DeviceView[] = [];
const NO_INVITES: InviteView[] = [];

export interface DevicesPageProps {
  sessionEpoch: number;
  approveCode: string | undefined;
  onApproveCodeUsed(): void;
}

export function DevicesPage({ sessionEpoch, approveCode, onApproveCodeUsed }: DevicesPageProps) {
  const [query, setQuery] = useState("");
  const { status, list: data, error, loadMore } = useDevices({ query: query.trim() });
  const [replaceRequestId, setReplaceRequestId] = useState<string | null>(null);
  const [revokeTarget, setRevokeTarget] = useState<DeviceView | null>(null);
  const [revoked, setRevoked] = useState<RevokedDevice | null>(null);
  const clearRevoked = useCallback(() => setRevoked(null), []);
  const pending = data?.pending ?? NO_PENDING;
  const devices = data?.rows ?? NO_DEVICES;
  const countLabel = data ? (data.query ? ` (${data.total} matching)` : ` (${data.total})`) : "";
  const replaces = pending.find((request) => request.id === replaceRequestId)?.replaces ?? null;

  return (
    <main data-state="paired" data-page="devices" className="screen screen-devices" aria-busy={status === "loading" || undefined}>
      <header className="page-head">
        <h1>Devices</h1>
        <p className="lead">Every browser here proved its own key. Approve new ones by the code they show; revoke any of them at once.</p>
      </header>
      {status === "error" ? (
        <Notice tone="bad" testId="devices-error">
          Could not load devices: {error.message}
        </Notice>
      ) : null}

      <Card title={`Waiting for approval${pending.length ? ` (${pending.length})` : ""}`} testId="pending-section" actions={<NotifyButton />}>
        <ApproveForm
          initialCode={approveCode}
          replaces={replaces}
          onApproved={() => {
            setReplaceRequestId(null);
            onApproveCodeUsed();
          }}
        />
        {data === null ? <Skeleton shape="line" /> : <Pending pending={pending} replaceRequestId={replaceRequestId} onReplaceChange={setReplaceRequestId} />}
      </Card>

      <Card title={`Paired devices${countLabel}`} testId="devices-section">
        {revoked ? <RevokedNotice key={revoked.fingerprint} revoked={revoked} onClear={clearRevoked} /> : null}
        <DeviceSearch query={query} onQueryChange={setQuery} />
        {data === null ? (
          <Skeleton shape="line" />
        ) : (
          <Devices devices={devices} hasMore={data.nextCursor !== null} onNeedMore={loadMore} onRevoke={setRevokeTarget} />
        )}
      </Card>

      <Card title="App sessions" testId="app-sessions-section">
        <Sessions sessionEpoch={sessionEpoch} />
      </Card>

      <Card title="Invites" testId="invites-section">
        <Invites invites={data?.invites ?? NO_INVITES} />
      </Card>

      <Card title="Audit log" testId="audit-section">
        <Audit sessionEpoch={sessionEpoch} />
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
