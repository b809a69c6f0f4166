// Store failures the rest of the gateway acts on, each with a stable code. Anything else a store throws is a bug
// or an I/O failure and surfaces as `internal`.
export type StoreErrorCode =
  /** The database was migrated by a newer pairgate; this one refuses to touch it. */
  | "schema_too_new"
  /** The database can't be reached (Postgres down, wrong URL, refused login). */
  | "store_unavailable"
  /** Another live pairing request already shows this code (the caller picks another). */
  | "code_taken";

export class StoreError extends Error {
  override name = "StoreError";
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What every store throws when a new request's code is already held by another request still pending. */
export function codeTaken(): StoreError {
  return new StoreError("code_taken", "another live pairing request has this code");
}
