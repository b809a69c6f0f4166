// The Postgres connection pool and its transactions, hardened for a database that restarts or drops backends:
// every wait is bounded, and a connection that failed is destroyed rather than handed out again.
import pg from "pg";

export type Queryable = Pick<pg.PoolClient, "query">;

export interface PoolOptions {
  url: string;
  applicationName: string;
  size: number;
  /** Tests shorten it; the default is STATEMENT_TIMEOUT_MS. */
  statementTimeoutMs?: number;
  onError: (message: string) => void;
}

/**
 * Bounds for every wait, so that no request can hang on the database. A statement (or a lock wait) is cut by
 * Postgres after STATEMENT_TIMEOUT_MS; a query whose answer never arrives (a dead TCP peer) is failed by the client
 * after QUERY_TIMEOUT_MS; a transaction left open by a stuck process is ended after IDLE_IN_TRANSACTION_MS.
 */
export const STATEMENT_TIMEOUT_MS = 10_000;
export const QUERY_TIMEOUT_MS = 15_000;
const IDLE_IN_TRANSACTION_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;

export function createPool(opts: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.size,
    application_name: opts.applicationName,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: opts.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    keepAlive: true,
  });
  // An idle pooled connection that dies (Postgres restarted) is reported here; without a handler it would crash.
  pool.on("error", (err) => opts.onError(`idle Postgres connection lost: ${err.message}`));
  // A backend terminated right after its startup (a restart or pg_terminate_backend at that moment) sends its
  // ReadyForQuery and its FATAL error in one read: pg then emits "error" on the new client before the caller of
  // pool.connect() has had a chance to listen, and an "error" with no listener would crash the process. A listener
  // from birth closes that window; the client is marked unusable, and transaction() releases it as broken.
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}

/**
 * Runs `fn` in one transaction on one pooled connection. When anything fails (a query, BEGIN or COMMIT, or the
 * socket itself) the connection is released with the error and the pool destroys it: it may be dead, or still
 * inside the transaction, and must never reach the next caller. Postgres rolls back a transaction whose
 * connection closes, so no ROLLBACK is sent (on a dead connection it would only wait for its own failure).
 */
export async function transaction<T>(pool: pg.Pool, fn: (c: Queryable) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let failed: Error | undefined;
  // A checked-out connection that dies between two queries emits "error" on the client, not on the pool.
  const onError = (err: Error) => void (failed ??= err);
  c.on("error", onError);
  try {
    await c.query("BEGIN");
    const result = await fn(c);
    await c.query("COMMIT");
    return result;
  } catch (err) {
    failed ??= err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    c.off("error", onError);
    c.release(failed);
  }
}
