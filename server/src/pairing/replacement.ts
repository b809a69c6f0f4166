// Which paired device a pending request would replace: an active one with the same name and browser. The Devices
// page offers exactly this one, and approve accepts exactly this one, so "replaces" can't revoke any other device.
import type { DeviceRecord, PendingRecord } from "../store/device-store.js";

export function suggestedReplacement(p: PendingRecord, activeDevices: DeviceRecord[]): DeviceRecord | null {
  return activeDevices.find((d) => d.name === p.name && d.userAgent === p.userAgent && d.id !== p.deviceId) ?? null;
}
