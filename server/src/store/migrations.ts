// Numbered schema migrations, shared by the SQL stores. Each store keeps its own list (the SQL dialects differ)
// with the same numbers for the same change, and records the version it reached in the database. A database
// whose version is above the newest migration this code knows was written by a newer pairgate: we refuse it
// rather than run old queries against a schema we don't understand. See docs/scaling.md, "Schema migrations".
import { StoreError } from "./store-error.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations still to run on a database at `current`, in order; throws schema_too_new when it is ahead. */
export function pendingMigrations(current: number, migrations: readonly Migration[], where: string): Migration[] {
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StoreError(
      "schema_too_new",
      `${where} has schema version ${current}, newer than this pairgate understands (${latest}): it was upgraded by a newer pairgate; run that version, or restore a backup taken before the upgrade`,
    );
  }
  return migrations.filter((m) => m.version > current);
}
