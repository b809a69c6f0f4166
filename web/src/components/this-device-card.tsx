// "This device" on the home page: name, fingerprint, key storage with what it means, role, approval.
import type { DeviceView, Role } from "../../../shared/protocol/views.js";
import { formatTime } from "../../../shared/format/time.js";
import { APPROVED_VIA_LABELS, KEY_STORAGE_EXPLANATIONS, ROLE_LABELS } from "../lib/labels.js";
import { Card } from "../ui/card.js";
import { RenameForm } from "./rename-form.js";

export function ThisDeviceCard({ device, role }: { device: DeviceView; role: Role }) {
  return (
    <Card title="This device" className="this-device">
      <dl className="facts">
        <div>
          <dt>Name</dt>
          <dd className="fact-with-action">
            <span data-testid="device-name">{device.name}</span>
            <RenameForm deviceId={device.id} name={device.name} />
          </dd>
        </div>
        <div>
          <dt>Fingerprint</dt>
          <dd>
            <code data-testid="device-fingerprint">{device.fingerprint}</code>
          </dd>
        </div>
        <div>
          <dt>Key storage</dt>
          <dd>
            <code data-testid="key-storage">{device.keyStorage}</code>
            <p className="muted small" data-testid="key-storage-explanation">
              {KEY_STORAGE_EXPLANATIONS[device.keyStorage]}
            </p>
          </dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd data-testid="device-role">{ROLE_LABELS[role]}</dd>
        </div>
        <div>
          <dt>Approved</dt>
          <dd>
            by {device.approvedBy || "unknown"} via {APPROVED_VIA_LABELS[device.approvedVia]}, {formatTime(device.approvedAtMs)}
          </dd>
        </div>
      </dl>
    </Card>
  );
}
