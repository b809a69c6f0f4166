// Device sessions across two `pairgate start --upstream` replicas on one Postgres: a ticket asked for on one
// replica's socket is traded in on the other (as behind a round-robin balancer), once only; a session made on one
// replica lets the browser in on the other (the NOTIFY carries the session id only), and a revoke on either ends it
// on both.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSession } from "../support/deploy/front-door-session.js";
import { startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster.js";
import { makeTestKey } from "../support/test-key.js";
import { connectClient } from "../support/ws-client.js";
import { startReplica, stopReplica, waitUntil, type Replica } from "../support/replicas.js";

let cluster: PostgresCluster;
let app: Server;
let a: Replica;
let b: Replica;

function get(port: number, path: string, cookie?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

/** POST /_pairgate/session to `replica`, as a page on `origin` behind one balancer (Host is the origin's). */
const tradeTicket = (replica: Replica, origin: string, ticket: string) =>
  postSession({ base: `http://127.0.0.1:${replica.gateway.port}`, origin, stateDir: replica.stateDir }, ticket);

beforeAll(async () => {
  cluster = await startPostgresCluster();
  app = createServer((_req, res) => res.end("app"));
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const upstream = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  [a, b] = await Promise.all([startReplica("a", cluster.url, ["--upstream", upstream]), startReplica("b", cluster.url, ["--upstream", upstream])]);
}, 120_000);

afterAll(async () => {
  for (const r of [a, b]) if (r) await stopReplica(r);
  app?.close();
  await cluster?.stop();
});

describe("front door sessions on replicas", () => {
  it("a ticket from one replica's socket buys a session on the other, once; the session is valid on both, and a revoke on either ends it on both", async () => {
    const origin = `http://127.0.0.1:${a.gateway.port}`;
    const key = makeTestKey();
    const client = await connectClient(`ws://127.0.0.1:${a.gateway.port}/_pairgate/ws`, key, { origin });
    await client.hello({ origin });
    const code = (await client.next("pairing")).request.code;
    expect((await b.cli(["devices", "approve", code, "--json"])).status).toBe(0);
    await client.next("welcome", 10_000);
    const ticket = await client.call<{ ticket: string }>("session.ticket", {});
    if (!ticket.ok) throw new Error(ticket.error.code);
    // Issued on a (the socket's replica), traded in on b: the balancer sent the POST elsewhere.
    const traded = await tradeTicket(b, origin, ticket.result.ticket);
    expect(traded.status).toBe(200);
    const cookie = String([traded.headers["set-cookie"]].flat()[0]).split(";")[0]!;
    expect(cookie).toMatch(/^pairgate_session=/);
    // Used up on every replica.
    expect((await tradeTicket(a, origin, ticket.result.ticket)).status).toBe(401); // ticket_invalid

    expect(await get(a.gateway.port, "/x", cookie)).toBe(200);
    await waitUntil("replica b knows the session", async () => (await get(b.gateway.port, "/x", cookie)) === 200);
    expect((await b.cli(["devices", "revoke", key.deviceId, "--json"])).status).toBe(0);
    expect(await get(b.gateway.port, "/x", cookie)).toBe(401);
    await waitUntil("replica a dropped the session", async () => (await get(a.gateway.port, "/x", cookie)) === 401);
    client.close();
  });
});
