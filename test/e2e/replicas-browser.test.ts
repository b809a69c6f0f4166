// Real Chromium against two `pairgate start` replicas on one Postgres, behind nginx round-robin
// (docs/scaling.md): the tab waits on one replica while the CLI approves on the other, and the tab carries on;
// the CLI of the other replica revokes it, and the tab shows it was removed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPairingCode, waitForState } from "../support/browser.js";
import { startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster.js";
import type { Proc } from "../support/deploy/processes.js";
import { freePort, startNginx } from "../support/deploy/proxies.js";
import { startReplica, stopReplica, waitUntil, type Replica } from "../support/replicas.js";
import { LIVE, useBrowserSuite } from "../support/e2e.js";

const { browser, cleanup } = useBrowserSuite();
let cluster: PostgresCluster;
let replicas: Replica[] = [];
let nginx: Proc;
let nginxPort: number;
const scratch = mkdtempSync(join(tmpdir(), "pg-replicas-nginx-"));

/** Round-robin over both replicas; every new connection (page, asset, socket) goes to the next one. */
function roundRobinSite(port: number, upstreams: number[]): string {
  return [
    "map $http_upgrade $connection_upgrade { default upgrade; '' close; }",
    `upstream pairgate { ${upstreams.map((p) => `server 127.0.0.1:${p};`).join(" ")} }`,
    `server { listen 127.0.0.1:${port}; location / {`,
    "  proxy_pass http://pairgate; proxy_http_version 1.1;",
    "  proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade;",
    "  proxy_set_header Host $http_host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "  proxy_read_timeout 1h;",
    "} }",
  ].join("\n");
}

/** The replica holding the browser's one open socket (waiting or paired), and the other one. */
async function replicaHolding(): Promise<{ holder: Replica; other: Replica }> {
  return waitUntil("the replica with the tab's socket", async () => {
    const counts = await Promise.all(replicas.map(async (r) => (await r.doctor()).sockets.open));
    const i = counts.findIndex((n) => n === 1);
    return i >= 0 && counts.reduce((x, y) => x + y, 0) === 1 ? { holder: replicas[i]!, other: replicas[1 - i]! } : null;
  });
}

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const args = ["--trusted-proxy", "127.0.0.1/32"];
  replicas = await Promise.all([startReplica("a", cluster.url, args), startReplica("b", cluster.url, args)]);
  nginxPort = await freePort();
  nginx = await startNginx(
    scratch,
    roundRobinSite(
      nginxPort,
      replicas.map((r) => r.gateway.port),
    ),
    { host: "127.0.0.1", port: nginxPort },
  );
}, 120_000);

afterAll(async () => {
  await nginx?.stop();
  for (const r of replicas) await stopReplica(r);
  await cluster?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("a browser across replicas behind nginx round-robin", () => {
  it("carries on when the other replica's CLI approves it, and shows it was removed when the other replica's CLI revokes it", async () => {
    const context = await browser().newContext();
    cleanup.add("browser context", () => context.close());
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${nginxPort}/`);
    const code = await readPairingCode(page, 30_000).catch(async (err: Error) => {
      throw new Error(`${err.message}; the page shows state ${await page.locator("main[data-state]").first().getAttribute("data-state")}`);
    });

    const waitingOn = await replicaHolding();
    const approved = await waitingOn.other.cli(["devices", "approve", code, "--name", "Across replicas", "--json"]);
    expect(approved.status, approved.stderr).toBe(0);
    await waitForState(page, "paired", LIVE.timeout);

    const pairedOn = await replicaHolding();
    const deviceId = approved.json<{ device: { id: string } }>().device.id;
    const revoked = await pairedOn.other.cli(["devices", "revoke", deviceId]);
    expect(revoked.status, revoked.stderr).toBe(0);
    await waitForState(page, "revoked", LIVE.timeout);
    expect(
      await page
        .getByText(/removed/i)
        .first()
        .isVisible(),
    ).toBe(true);
    console.log(
      `waited on ${waitingOn.holder.name}, approved on ${waitingOn.other.name}; paired on ${pairedOn.holder.name}, revoked on ${pairedOn.other.name}`,
    );
  });
});
