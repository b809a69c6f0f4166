// approve.latency and revoke.latency: the admin socket (the CLI's channel) → what the browser's socket sees.
import { join } from "node:path";
import { startGateway, tempDir } from "../lib/processes.js";
import { latency } from "../lib/stats.js";

export async function runApprove({ cfg, keys, load, log }) {
  const gw = await startGateway();
  try {
    const [keyStart, count] = keys.ranges.approve;
    log(`approve.latency: ${count} pairing requests approved one at a time`);
    const r = await load.run("approve", { url: gw.url, adminSocket: gw.adminSocket, keyStart, count });
    return {
      "approve.latency": {
        what: "devices.approve on <state-dir>/admin.sock → welcome on the waiting socket",
        approveToWelcome: latency(r.approveToWelcomeMs, [50, 90, 99]),
        approveToAck: latency(r.approveAckMs, [50, 99]),
        helloToPairing: {
          ...latency(r.helloToPairingMs, [50, 99]),
          note: "a new key's hello → its pairing frame (request stored durably): the gateway's share of the dashboard's nav → code",
        },
        errors: r.errors,
        ...(r.firstError ? { firstError: r.firstError } : {}),
      },
    };
  } finally {
    await gw.stop();
  }
}

export async function runRevoke({ cfg, kit, keys, load, log }) {
  const stateDir = tempDir();
  const [keyStart, count] = keys.ranges.revoke;
  await kit.seedDevices(join(stateDir, "pairgate.db"), keys.publicKeys.slice(keyStart, keyStart + count));
  const gw = await startGateway({ stateDir });
  try {
    const out = {};
    const half = cfg.revokeDevices;
    for (const [i, socketsPerDevice] of [1, 5].entries()) {
      log(`revoke.latency: ${half} devices with ${socketsPerDevice} socket(s) each`);
      const r = await load.run("revoke", { url: gw.url, adminSocket: gw.adminSocket, keyStart: keyStart + i * half, count: half, socketsPerDevice });
      out[`${socketsPerDevice}`] = {
        revokeToAllClosed: latency(r.revokeToClosedMs, [50, 90, 99]),
        closeCodes: r.closeCodes,
        errors: r.errors,
        ...(r.firstError ? { firstError: r.firstError } : {}),
      };
    }
    return {
      "revoke.latency": {
        what: "devices.revoke on the admin socket → every socket of that device closed (client close event)",
        bySocketsPerDevice: out,
      },
    };
  } finally {
    await gw.stop();
  }
}
