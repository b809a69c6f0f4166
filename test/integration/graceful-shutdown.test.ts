// Issue 5 / docs/design.md#details: on SIGTERM or SIGINT every socket gets `error shutting_down` then close 1001, the
// database is closed, and the process exits 0 within 5 s, even with an idle CLI connection open on the admin socket.
import { existsSync, statSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnGateway, startGateway, type SpawnedGateway } from "../support/gateway-harness.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { adminCall, openAdmin } from "../support/admin-socket-client.js";
import { rawRequest, upgradeLines } from "../support/raw-http.js";
import { expectRefusal, requestPairing } from "../support/sessions.js";

let gw: SpawnedGateway | null = null;
afterEach(async () => {
  if (gw && gw.child.exitCode === null) await gw.stop("SIGKILL");
  gw = null;
});

describe.each(["SIGTERM", "SIGINT"] as const)("graceful shutdown on %s", (signal) => {
  it("sends shutting_down and close 1001 to paired and pending sockets, closes the database and exits 0 within 5 s", async () => {
    gw = await spawnGateway();
    const url = `ws://127.0.0.1:${gw.port}/ws`;
    const paired = await requestPairing(url);
    await adminCall(gw.stateDir, "devices.approve", { code: paired.pairing.request.code });
    await paired.client.next("welcome");
    const pending = await requestPairing(url);
    const challenged = await connectClient(url, makeTestKey());
    await challenged.next("challenge");
    const idleCli = await openAdmin(gw.stateDir); // connected, never sends a request

    const started = Date.now();
    const exit = gw.stop(signal);
    for (const c of [paired.client, pending.client, challenged]) await expectRefusal(c, "shutting_down", 1001);
    const code = await exit;
    const elapsedMs = Date.now() - started;
    expect(code).toBe(0);
    expect(elapsedMs).toBeLessThan(5000);
    expect(idleCli.socket.destroyed || idleCli.socket.readableEnded).toBe(true);
    // A cleanly closed SQLite database in WAL mode checkpoints and removes its -wal file; the admin socket is gone.
    const wal = join(gw.stateDir, "pairgate.db-wal");
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    expect(existsSync(join(gw.stateDir, "admin.sock"))).toBe(false);
    expect(gw.stdout()).toContain(`${signal}: stopping`);
  });
});

describe("signals early in start-up", () => {
  it("stops gracefully with exit 0 on a SIGTERM sent the moment the listening line appears", async () => {
    gw = await spawnGateway(); // a fresh state dir: the first-start invite is still being written when the signal lands
    expect(await gw.stop("SIGTERM")).toBe(0);
    expect(existsSync(join(gw.stateDir, "admin.sock"))).toBe(false);
  });
});

describe("restart after a graceful shutdown", () => {
  it("keeps the paired device and the gateway id, and the device reconnects without approval", async () => {
    gw = await spawnGateway();
    const key = makeTestKey();
    const first = await requestPairing(`ws://127.0.0.1:${gw.port}/ws`, key);
    await adminCall(gw.stateDir, "devices.approve", { code: first.pairing.request.code });
    const welcome = await first.client.next("welcome");
    const gatewayId = first.client.frames[0]!.type === "challenge" ? first.client.frames[0]!.gatewayId : "";
    expect(await gw.stop("SIGTERM")).toBe(0);
    gw = await spawnGateway([], { stateDir: gw.stateDir });
    const again = await connectClient(`ws://127.0.0.1:${gw.port}/ws`, key);
    expect((await again.next("challenge")).gatewayId).toBe(gatewayId);
    await again.hello();
    expect((await again.next("welcome")).device.id).toBe(welcome.device.id);
  });
});

describe("upgrades during shutdown", () => {
  it("answers an upgrade that arrives during the grace period with 503 and Retry-After, not a socket about to close", async () => {
    const h = await startGateway();
    // A peer that never answers the close handshake keeps the gateway in its grace period.
    const silent = connect(h.port, "127.0.0.1");
    let seen = "";
    silent.setEncoding("latin1");
    silent.on("data", (d: string) => (seen += d));
    silent.on("error", () => {});
    silent.write(upgradeLines(h.port).join("\r\n") + "\r\n\r\n");
    await new Promise<void>((resolve) => silent.on("data", () => seen.includes("challenge") && resolve()));
    const stopped = h.stop();
    await new Promise<void>((resolve) => silent.on("data", () => seen.includes("shutting_down") && resolve()));
    const late = await rawRequest(h.port, upgradeLines(h.port));
    expect(late.status).toBe(503);
    expect(late.headers["retry-after"]).toBe("1");
    expect(late.body).toBe("pairgate: the gateway is shutting down\n");
    await stopped;
    silent.destroy();
  });
});
