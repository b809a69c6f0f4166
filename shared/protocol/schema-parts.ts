// The small zod pieces every schema file builds from, defined once so that "a string of 1–64" or "a time in ms"
// means the same thing in frames, views and RPCs.
import { z } from "zod/mini";
import { b64uLength } from "../encoding/b64u.js";

/** A string of min..max UTF-16 code units. */
export const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

/** A string of at most max code units, possibly empty. */
export const textUpTo = (max: number) => z.string().check(z.maxLength(max));

/** Canonical base64url (no padding) of exactly `bytes` bytes. */
export const b64u = (bytes: number) => z.string().check(z.length(b64uLength(bytes)), z.regex(/^[A-Za-z0-9_-]+$/));

/** A time or duration in whole milliseconds (`…AtMs`, `…Ms`). */
export const ms = z.int().check(z.nonnegative());
