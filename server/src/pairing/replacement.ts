// Which paired device a pending request would replace: an active one with the same name and browser that nobody is
// using (the earliest approved, if several). The Devices page offers exactly this one, and approve accepts exactly
// this one, so "replaces" can't revoke any other device. A device that is online is in use (often by the approver
// itself), so it is never suggested. One indexed store lookup of the twins, not a scan of every device.
import type { DeviceRecord, DeviceStore, PendingRecord } from "../store/device-store.js";

/** `inUse(id)`: the device is online, or it is the one looking at the suggestion (the approver's own). */
export async function suggestedReplacement(store: DeviceStore, p: PendingRecord, inUse: (deviceId: string) => boolean): Promise<DeviceRecord | null> {
  return (await store.findDeviceTwins(p.name, p.userAgent, p.deviceId)).find((d) => !inUse(d.id)) ?? null;
}
