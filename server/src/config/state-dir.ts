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
  if (!facts.isWritable)
    throw new ConfigError(
      `state dir ${path} is not writable by this process (uid ${process.getuid?.() ?? "?"}, dir owner uid ${facts.ownerUid})${ownershipHint()}`,
    );
  refuseSharedStateDir(path, facts);
  return facts;
}

/**
 * The state dir is the trust boundary: whoever can write it can plant a database with their own admin key or swap
 * the admin socket to read CLI commands. So it must belong to this process's user and be writable by no one else.
 */
export function refuseSharedStateDir(path: string, facts: StateDirFacts, { rootMayUseOthers = false } = {}): void {
  const uid = process.getuid?.();
  if (uid === undefined) return; // Windows: no uid or mode bits to check
  const quoted = shellQuote(path);
  // The CLI run by root (sudo, `podman exec`) against the gateway user's dir is normal administration: root
  // already trusts that user by running its service. What still matters then is that no one else can write the dir.
  const ownerMatters = !(rootMayUseOthers && uid === 0);
  if (ownerMatters && facts.ownerUid !== uid) {
    throw new ConfigError(
      `state dir ${path} belongs to uid ${facts.ownerUid}, not to this process (uid ${uid}); another user could have planted its database or admin socket. ` +
        `If the dir is yours, run: chown ${uid}:${process.getgid?.() ?? uid} ${quoted} (or start pairgate as its owner)`,
    );
  }
  const mode = Number.parseInt(facts.mode, 8);
  if ((mode & 0o022) !== 0) {
    const who = mode & 0o002 ? "everyone" : "its group";
    throw new ConfigError(
      `state dir ${path} is writable by ${who} (mode ${facts.mode}), who could swap its database or admin socket. Run: chmod 700 ${quoted}`,
    );
  }
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
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
