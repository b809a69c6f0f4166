// `pairgate sessions list|end`: the front door's app sessions over the admin socket, each with --json. Ending a
// session does not revoke the device: its key opens a new one on its next page load.
import { formatRelativeTime, formatTime, quoteName } from "../../../shared/index.js";
import { findDevice, type Common } from "./admin-commands.js";
import { callGateway } from "./admin-client.js";
import { CliError, EXIT } from "./exit-codes.js";
import { printJson, printTable } from "./output.js";

export async function listSessions(c: Common, device: string | undefined): Promise<void> {
  const deviceId = device === undefined ? undefined : (await findDevice(c, device)).id;
  const { sessions } = await callGateway(c.stateDir, "sessions.list", deviceId ? { deviceId } : {});
  if (c.json) return printJson({ sessions });
  if (sessions.length === 0) return console.log(device === undefined ? "No app sessions." : "That device has no app sessions.");
  const now = Date.now();
  printTable(
    ["SESSION", "DEVICE", "DEVICE ID", "CREATED", "LAST USED", "ENDS IF UNUSED"],
    sessions.map((s) => [
      s.id,
      s.deviceName,
      s.deviceId.slice(0, 12),
      formatTime(s.createdAtMs),
      formatRelativeTime(s.lastUsedAtMs, now),
      formatRelativeTime(s.expiresAtMs, now),
    ]),
  );
}

export async function endSessions(c: Common, sessionId: string | undefined, device: string | undefined): Promise<void> {
  if ((sessionId === undefined) === (device === undefined)) {
    throw new CliError("give a SESSION id or --device DEVICE (one of the two)", EXIT.usage, "usage");
  }
  if (sessionId !== undefined) {
    const { ended } = await callGateway(c.stateDir, "sessions.end", { sessionId });
    if (c.json) return printJson({ ended });
    return console.log(`Ended session ${quoteName(sessionId)}.`);
  }
  const target = await findDevice(c, device!);
  const { ended } = await callGateway(c.stateDir, "sessions.end", { deviceId: target.id });
  if (c.json) return printJson({ deviceId: target.id, ended });
  console.log(`Ended ${ended} app session(s) of ${quoteName(target.name)} (${target.fingerprint}). The device stays paired.`);
}
