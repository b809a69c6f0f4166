// How people run this install's CLI: the command the pairing screen shows and `pairgate start` prints. It must run
// the pairgate installed here, from any directory, and never fetch one: outside the checkout, `npx pairgate` asks
// the npm registry for a package named "pairgate", a name anyone could publish (docs/security.md).
import { accessSync, constants, existsSync, readFileSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** `pairgate` when the `pairgate` on PATH is this install, else `node /abs/path/bin/pairgate.js`. */
export function installedCliCommand(env: NodeJS.ProcessEnv = process.env): string {
  const bin = installedBin();
  if (!bin) return "pairgate";
  const onPath = findOnPath("pairgate", env.PATH ?? "");
  if (onPath && sameFile(onPath, bin)) return "pairgate";
  return `node ${shellQuote(bin)}`;
}

export interface CliCommand {
  command: string;
  stateDir: string;
  /** Set by hand (--cli-hint): shown exactly as given. */
  configured: boolean;
}

export function cliCommandOf(config: { cliHint: string; stateDir: string; cliHintConfigured?: boolean }): CliCommand {
  return { command: config.cliHint, stateDir: config.stateDir, configured: config.cliHintConfigured ?? true };
}

/**
 * A command line for people to run, e.g. `devices approve CODE`. `--state-dir` is added when the gateway's state
 * dir is not the one the CLI would find by itself (~/.pairgate), unless the command was configured by hand.
 */
export function commandLine(cli: CliCommand, args: string): string {
  const stateDir = cli.configured || resolve(cli.stateDir) === join(homedir(), ".pairgate") ? "" : ` --state-dir ${shellQuote(cli.stateDir)}`;
  return `${cli.command} ${args}${stateDir}`;
}

/** The approve command the waiting screen shows, for copying. */
export function approveCommand(cli: CliCommand, code: string): string {
  const command = commandLine(cli, `devices approve ${code}`);
  // The pairing frame carries at most 256 characters; a very deep install path falls back to the plain name.
  return command.length <= 256 ? command : `pairgate devices approve ${code}`;
}

/** bin/pairgate.js of the package this code belongs to (the bundle in dist/server, or the sources in tests). */
function installedBin(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "pairgate") {
      const bin = join(dir, "bin", "pairgate.js");
      return existsSync(bin) ? bin : null;
    }
    dir = dirname(dir);
  }
  return null;
}

function findOnPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here or not executable: keep looking
    }
  }
  return null;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** Single quotes only when needed, so the usual path stays readable and copy-paste safe. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
