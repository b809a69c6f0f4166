// The state dir on disk: create it private (0700) at start, refuse one this process can't write, and describe
// its permissions for `pairgate doctor`. It holds the database and the admin socket, so it is the trust boundary.
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "./config.js";

export interface StateDirFacts {
  path: string;
  exists: boolean;
  isDirectory: boolean;
  /** Octal permission bits, e.g. "0700"; "" when missing. */
  mode: string;
  ownerUid: number | null;
  /** No group or other permission bits. */
  isPrivate: boolean;
  isWritable: boolean;
  database: { exists: boolean; mode: string };
  adminSocket: { path: string; exists: boolean; mode: string };
}

export function inspectStateDir(path: string): StateDirFacts {
  const socketPath = join(path, "admin.sock");
  const st = statOrNull(path);
  const db = statOrNull(join(path, "pairgate.db"));
  const sock = statOrNull(socketPath);
  return {
    path,
    exists: st !== null,
    isDirectory: st?.isDirectory() ?? false,
    mode: modeText(st),
    ownerUid: st?.uid ?? null,
    isPrivate: st !== null && (st.mode & 0o077) === 0,
    isWritable: st !== null && canWrite(path),
    database: { exists: db !== null, mode: modeText(db) },
    adminSocket: { path: socketPath, exists: sock !== null, mode: modeText(sock) },
  };
}

/** Creates the state dir (0700) if needed and refuses one this process cannot use, with what to do about it. */
export function ensureStateDir(path: string): StateDirFacts {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot create state dir ${path} (${code ?? (err as Error).message})${ownershipHint()}`);
  }
  const facts = inspectStateDir(path);
  if (!facts.isDirectory) throw new ConfigError(`state dir ${path} exists but is not a directory`);
  if (!facts.isWritable) throw new ConfigError(`state dir ${path} is not writable by this process (uid ${process.getuid?.() ?? "?"}, dir owner uid ${facts.ownerUid})${ownershipHint()}`);
  return facts;
}

function ownershipHint(): string {
  const uid = process.getuid?.();
  if (uid === undefined || uid === 0) return "";
  // The usual cause in Docker: a bind mount or volume created by root, used by the image's non-root user.
  return `. In Docker, make the volume writable by uid ${uid}, e.g. chown ${uid}:${process.getgid?.() ?? uid} on the host directory`;
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null; // missing or unreadable: reported as "missing", which is what the caller shows
  }
}

function modeText(st: { mode: number } | null): string {
  return st ? (st.mode & 0o777).toString(8).padStart(4, "0") : "";
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false; // not writable: reported as isWritable false
  }
}
