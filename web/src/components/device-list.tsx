// Paired devices: this device first, then most recently seen.
import type { DeviceView } from "../../../shared/protocol/views.js";
import { useNow } from "../hooks/use-now.js";
import { DeviceRow } from "./device-row.js";

export function DeviceList({ devices, onRevoke }: { devices: DeviceView[]; onRevoke(device: DeviceView): void }) {
  const nowMs = useNow(30_000);
  const sorted = [...devices].sort((a, b) => Number(b.current) - Number(a.current) || b.online - a.online || (b.lastSeenAtMs ?? 0) - (a.lastSeenAtMs ?? 0));
  if (sorted.length === 0) return <p className="empty">No paired devices.</p>;
  return (
    <ul className="rows" aria-label="Paired devices">
      {sorted.map((device) => (
        <DeviceRow key={device.id} device={device} nowMs={nowMs} onRevoke={onRevoke} />
      ))}
    </ul>
  );
}
