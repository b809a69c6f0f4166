// Types for postgres-cluster.js (plain JS so that the benchmarks can use it too).
export declare function postgresBinDir(): string | null;
export declare function startPostgresCluster(): Promise<PostgresCluster>;

export interface PostgresCluster {
  /** postgres://… for the `pairgate` database, owned by superuser `pairgate`. */
  url: string;
  port: number;
  dir: string;
  /** A URL for a fresh, empty database on this cluster (each contract test gets its own). */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL as the superuser through psql; returns stdout. */
  psql(sql: string, database?: string): string;
  /** Stops the server (fast shutdown) and starts it again on the same port with the same data. */
  restart(): Promise<void>;
  /** Stops the server and keeps it stopped; start() brings it back. */
  halt(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
