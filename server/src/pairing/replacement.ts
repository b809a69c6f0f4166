// Which paired device a pending request would replace: an active one with the same name and browser (the earliest
// approved, if several). The Devices page offers exactly this one, and approve accepts exactly this one, so
// "replaces" can't revoke any other device. One indexed store lookup, not a scan of every device.
import type { DeviceRecord, DeviceStore, PendingRecord } from "../store/device-store.js";

export function suggestedReplacement(store: DeviceStore, p: PendingRecord): Promise<DeviceRecord | null> {
  return store.findDeviceTwin(p.name, p.userAgent, p.deviceId);
}
