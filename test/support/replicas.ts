// Several `pairgate start` processes on one throwaway Postgres cluster, for the cross-replica tests: each replica
// has its own state dir (its admin socket) and shares the database. Helpers to pair ws clients across them.
import { rmSync } from "node:fs";
import type { DoctorFacts } from "../../server/src/config/doctor-facts.js";
import { spawnGateway, tempStateDir, type SpawnedGateway } from "./gateway-harness.js";
import { makeTestKey, type TestKey } from "./test-key.js";
import { connectClient, type TestClient } from "./ws-client.js";
import { runCliAsync } from "./cli.js";

export interface Replica {
  name: string;
  gateway: SpawnedGateway;
  stateDir: string;
  url: string;
  /** The gateway's own view, through `pairgate doctor --json` on its admin socket. */
  doctor(): Promise<DoctorFacts>;
  cli(args: string[]): ReturnType<typeof runCliAsync>;
  /** Starts the replica again (same state dir) after a stop or a kill -9. */
  restart(): Promise<void>;
}

export async function startReplica(name: string, databaseUrl: string, extraArgs: string[] = []): Promise<Replica> {
  const stateDir = tempStateDir(`pg-replica-${name}-`);
  const args = ["--database", databaseUrl, "--name", "replicated", ...extraArgs];
  const replica: Replica = {
    name,
    stateDir,
    gateway: await spawnGateway(args, { stateDir, timeoutMs: 60_000 }),
    get url() {
      return `ws://127.0.0.1:${replica.gateway.port}/ws`;
    },
    async doctor() {
      const r = await runCliAsync(["doctor", "--json"], stateDir);
      if (r.status !== 0) throw new Error(`doctor on replica ${name} failed (${r.status}): ${r.stderr}`);
      return r.json<{ gateway: DoctorFacts }>().gateway;
    },
    cli: (a) => runCliAsync(a, stateDir),
    async restart() {
      replica.gateway = await spawnGateway(args, { stateDir, timeoutMs: 60_000 });
    },
  };
  return replica;
}

export async function stopReplica(r: Replica): Promise<void> {
  await r.gateway.stop();
  rmSync(r.stateDir, { recursive: true, force: true });
}

/** A ws client whose key waits on `replica` with a pending request; returns the client and its code. */
export async function waitingClient(
  replica: Replica,
  key: TestKey = makeTestKey(),
): Promise<{ client: TestClient; key: TestKey; code: string; requestId: string }> {
  const client = await connectClient(replica.url, key);
  await client.hello();
  const frame = await client.next("pairing");
  return { client, key, code: frame.request.code, requestId: frame.request.id };
}

/** A key paired by approving on `approver`, then connected and authenticated on `on`. */
export async function pairedClient(on: Replica, approver: Replica): Promise<{ client: TestClient; key: TestKey; deviceId: string }> {
  const waiting = await waitingClient(on);
  const r = await approver.cli(["devices", "approve", waiting.code, "--json"]);
  if (r.status !== 0) throw new Error(`approve failed: ${r.stdout}${r.stderr}`);
  await waiting.client.next("welcome", 10_000);
  return { client: waiting.client, key: waiting.key, deviceId: waiting.key.deviceId };
}

export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An admin session on `on`, paired through an invite made with the CLI of `via`: approves and revokes over RPC. */
export async function adminClient(on: Replica, via: Replica = on): Promise<TestClient> {
  const r = await via.cli(["invite", "--role", "admin", "--json"]);
  if (r.status !== 0) throw new Error(`invite failed: ${r.stdout}${r.stderr}`);
  const token = new URL(r.json<{ url: string }>().url).hash.replace("#invite=", "");
  const client = await connectClient(on.url, makeTestKey());
  await client.hello({ invite: token });
  await client.next("welcome", 10_000);
  return client;
}
