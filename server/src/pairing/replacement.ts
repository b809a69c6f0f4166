// Which paired device a pending request would replace: an active one with the same name and browser that nobody is
// using. The Devices page offers exactly this one, and approve accepts exactly this one, so "replaces" can't revoke
// any other device. A device that is online is in use (often by the approver itself), so it is never suggested.
import type { DeviceRecord, PendingRecord } from "../store/device-store.js";

/** `inUse(id)`: the device is online, or it is the one looking at the suggestion (the approver's own). */
export function suggestedReplacement(p: PendingRecord, activeDevices: DeviceRecord[], inUse: (deviceId: string) => boolean): DeviceRecord | null {
  return activeDevices.find((d) => d.name === p.name && d.userAgent === p.userAgent && d.id !== p.deviceId && !inUse(d.id)) ?? null;
}
