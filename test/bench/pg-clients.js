#!/usr/bin/env node
// Which Postgres client the store uses, by measurement (docs/scaling.md): `pg` (node-postgres) against `postgres`
// (postgres.js) on a throwaway cluster, for the store's hot path: a by-id SELECT (handshake lookup) and a short
// write transaction (approve), sequential and 20 at once, plus the round trip of NOTIFY → LISTEN.
//   npm install --no-save postgres && node test/bench/pg-clients.js [--n 2000]
// (postgres.js is not a dependency: it is installed only to repeat this comparison.)
import pg from "pg";
import { startPostgresCluster } from "../support/postgres-cluster.js";

const n = Number(process.argv[process.argv.indexOf("--n") + 1]) || 2000;
const cluster = await startPostgresCluster();
const results = {};
try {
  cluster.psql("CREATE TABLE t (id text PRIMARY KEY, v bigint NOT NULL); INSERT INTO t SELECT 'k' || g, g FROM generate_series(1, 10000) g;");
  const ids = Array.from({ length: n }, (_, i) => `k${((i * 7919) % 10000) + 1}`);

  const pool = new pg.Pool({ connectionString: cluster.url, max: 10 });
  const listener = new pg.Client({ connectionString: cluster.url });
  await listener.connect();
  results.pg = await measure(
    {
      select: (id) => pool.query("SELECT * FROM t WHERE id = $1", [id]),
      write: async (id) => {
        const c = await pool.connect();
        try {
          await c.query("BEGIN");
          await c.query("UPDATE t SET v = v + 1 WHERE id = $1", [id]);
          await c.query("SELECT pg_notify('bench', $1)", [id]);
          await c.query("COMMIT");
        } finally {
          c.release();
        }
      },
      listen: async (onMessage) => {
        listener.on("notification", (m) => onMessage(m.payload));
        await listener.query("LISTEN bench");
      },
      notify: (id) => pool.query("SELECT pg_notify('bench', $1)", [id]),
    },
    ids,
  );
  await listener.end();
  await pool.end();

  const { default: postgres } = await import("postgres");
  const sql = postgres(cluster.url, { max: 10, onnotice: () => {} });
  results.postgres = await measure(
    {
      select: (id) => sql`SELECT * FROM t WHERE id = ${id}`,
      write: (id) =>
        sql.begin(async (tx) => {
          await tx`UPDATE t SET v = v + 1 WHERE id = ${id}`;
          await tx`SELECT pg_notify('bench', ${id})`;
        }),
      listen: (onMessage) => sql.listen("bench2", onMessage).then(() => undefined),
      notify: (id) => sql`SELECT pg_notify('bench2', ${id})`,
    },
    ids,
  );
  await sql.end();
} finally {
  await cluster.stop();
}
console.log(JSON.stringify({ n, node: process.version, results }, null, 2));

async function measure(client, ids) {
  const out = {};
  for (const [name, fn] of [
    ["select", client.select],
    ["write", client.write],
  ]) {
    for (const id of ids.slice(0, 200)) await fn(id); // warm up
    let t = performance.now();
    for (const id of ids) await fn(id);
    out[`${name}SequentialPerSec`] = Math.round(ids.length / ((performance.now() - t) / 1000));
    t = performance.now();
    for (let i = 0; i < ids.length; i += 20) await Promise.all(ids.slice(i, i + 20).map(fn));
    out[`${name}20AtOncePerSec`] = Math.round(ids.length / ((performance.now() - t) / 1000));
  }
  let waiting = null;
  await client.listen((payload) => waiting?.(payload));
  const rtts = [];
  for (const id of ids.slice(0, 300)) {
    const t = performance.now();
    const got = new Promise((r) => (waiting = r));
    await client.notify(id);
    await got;
    rtts.push(performance.now() - t);
  }
  rtts.sort((a, b) => a - b);
  out.notifyRoundTripP50Ms = +rtts[Math.floor(rtts.length * 0.5)].toFixed(3);
  out.notifyRoundTripP99Ms = +rtts[Math.floor(rtts.length * 0.99)].toFixed(3);
  return out;
}
