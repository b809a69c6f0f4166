// App sessions of the front door, one summary per device (count, last use), for admins. Sessions are made by
// browsers opening the app, which sends no event, so the list reloads every 15 s, on device changes (a revoke
// ends them) and after an end; the gateway answers from memory.
import { useCallback, useEffect, useState } from "react";
import type { AppSessionView } from "../../../shared/protocol/admin-views.js";
import { toCallError, type GatewayCallError } from "../gateway/call-error.js";
import { changesDevices } from "../lib/devices-list.js";
import { usePairgate } from "../react/context.js";
import { useCall } from "../react/use-call.js";

const RELOAD_MS = 15_000;

export interface DeviceSessions {
  deviceId: string;
  deviceName: string;
  count: number;
  lastUsedAtMs: number;
}

interface AppSessionsState {
  status: "loading" | "ready" | "error";
  data: DeviceSessions[];
  error: GatewayCallError | null;
}

/** Sessions grouped by device, the most recently used device first. */
export function summarizeSessions(sessions: AppSessionView[]): DeviceSessions[] {
  const byDevice = new Map<string, DeviceSessions>();
  for (const s of sessions) {
    const d = byDevice.get(s.deviceId) ?? { deviceId: s.deviceId, deviceName: s.deviceName, count: 0, lastUsedAtMs: 0 };
    d.count++;
    d.lastUsedAtMs = Math.max(d.lastUsedAtMs, s.lastUsedAtMs);
    byDevice.set(s.deviceId, d);
  }
  return [...byDevice.values()].sort((a, b) => b.lastUsedAtMs - a.lastUsedAtMs);
}

export function useAppSessions(sessionEpoch: number) {
  const client = usePairgate();
  const [state, setState] = useState<AppSessionsState>({ status: "loading", data: [], error: null });

  const reload = useCallback(
    () =>
      client.call("sessions.list", {}).then(
        ({ sessions }) => setState({ status: "ready", data: summarizeSessions(sessions), error: null }),
        (error: unknown) => setState((previous) => ({ ...previous, status: "error", error: toCallError(error) })),
      ),
    [client],
  );

  useEffect(() => {
    void reload();
    const timer = window.setInterval(() => void reload(), RELOAD_MS);
    const off = client.on("devices.changed", (diff) => changesDevices(diff) && void reload());
    return () => {
      window.clearInterval(timer);
      off();
    };
  }, [client, reload, sessionEpoch]);

  return { ...state, reload };
}

export function useEndDeviceSessions(onEnded: () => void) {
  const action = useCall("sessions.end");
  const { run } = action;
  return {
    ...action,
    run: useCallback(
      async (deviceId: string) => {
        const result = await run({ deviceId });
        if (result) onEnded();
        return result;
      },
      [run, onEnded],
    ),
  };
}
