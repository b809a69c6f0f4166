// One paired device: identity, role, key storage, approval, presence; rename and revoke.
import type { DeviceView } from "../../../shared/protocol/views.js";
import { formatRelativeTime, formatTime } from "../../../shared/format/time.js";
import { APPROVED_VIA_LABELS, ROLE_LABELS } from "../lib/labels.js";
import { Badge } from "../ui/badge.js";
import { Button } from "../ui/button.js";
import { RenameForm } from "./rename-form.js";
import { SeenFrom } from "./seen-from.js";

export interface DeviceRowProps {
  device: DeviceView;
  nowMs: number;
  onRevoke(device: DeviceView): void;
  /** Set by the virtualised list, which measures each drawn row. */
  index?: number;
  measureRef?: (element: HTMLLIElement | null) => void;
}

export function DeviceRow({ device, nowMs, onRevoke, index, measureRef }: DeviceRowProps) {
  const lastSeen =
    device.online > 0 ? "active now" : device.lastSeenAtMs === null ? "never seen" : `last active ${formatRelativeTime(device.lastSeenAtMs, nowMs)}`;
  return (
    <li
      ref={measureRef}
      data-index={index}
      className="row device-row"
      data-testid="device-row"
      data-device-id={device.id}
      data-current={device.current || undefined}
    >
      <div className="row-main">
        <p className="row-title">
          <span className="device-row-name" data-testid="device-row-name">
            {device.name}
          </span>
          {device.current ? (
            <Badge tone="accent" testId="this-device">
              This device
            </Badge>
          ) : null}
          <Badge tone={device.role === "admin" ? "accent" : "neutral"} testId="device-role-badge">
            {ROLE_LABELS[device.role]}
          </Badge>
          <Badge tone={device.keyStorage === "webcrypto" ? "good" : "warn"} testId="key-storage-badge">
            {device.keyStorage}
          </Badge>
        </p>
        <p className="row-meta">
          <code data-testid="device-row-fingerprint">{device.fingerprint}</code>
          <span className="dot-sep"> · </span>
          <span data-testid="online-count" className={device.online > 0 ? "online" : undefined}>
            {device.online} online
          </span>
          <span className="dot-sep"> · </span>
          <span data-testid="device-last-active">{lastSeen}</span>
          {device.lastSeenFrom ? (
            <>
              {" from "}
              <SeenFrom seenFrom={device.lastSeenFrom} />
            </>
          ) : null}
        </p>
        {device.expiresAtMs !== null ? (
          <p className="row-meta" data-testid="device-expires">
            Guest: expires {formatRelativeTime(device.expiresAtMs, nowMs)} ({formatTime(device.expiresAtMs)})
          </p>
        ) : null}
        <p className="row-meta muted">
          Approved by {device.approvedBy || "unknown"} via {APPROVED_VIA_LABELS[device.approvedVia]}, {formatTime(device.approvedAtMs)}
        </p>
      </div>
      <div className="row-actions">
        <RenameForm deviceId={device.id} name={device.name} />
        <Button variant="danger" size="sm" data-testid="revoke-button" onClick={() => onRevoke(device)} aria-label={`Revoke ${device.name}`}>
          Revoke
        </Button>
      </div>
    </li>
  );
}
