// `pairgate` command line (docs/design.md#cli). Exit codes: 0 ok, 1 refused or not found, 2 usage, 3 gateway not
// running.
import { Command, CommanderError, Option } from "commander";
import { DEFAULT_ROLE, ROLES, type Role } from "../../../shared/index.js";
import { ConfigError, resolveStartConfig } from "../config/config.js";
import { CONFIG_ENV, defaultStateDir, defaultText, optionEnv, START_OPTIONS, STATE_DIR_ENV } from "../config/options.js";
import { GATEWAY_VERSION } from "../version.js";
import * as admin from "./admin-commands.js";
import { doctor } from "./doctor-command.js";
import { CliError, EXIT } from "./exit-codes.js";
import { printableLines, safeJson } from "./output.js";
import { endSessions, listSessions } from "./sessions-commands.js";
import { runStart } from "./start-command.js";

const collect = (value: string, previous: string[] | undefined) => [
  ...(previous ?? []),
  ...value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

function common(cmd: Command, json = true): Command {
  cmd.addOption(new Option("--state-dir <dir>", "gateway state dir (default $PAIRGATE_STATE_DIR or ~/.pairgate)").env("PAIRGATE_STATE_DIR"));
  if (json) cmd.option("--json", "print JSON for scripts");
  return cmd;
}

function commonOpts(cmd: Command): admin.Common {
  const o = cmd.optsWithGlobals() as { stateDir?: string; json?: boolean };
  return { stateDir: o.stateDir || defaultStateDir(), json: Boolean(o.json) };
}

export function buildProgram(): Command {
  const program = new Command("pairgate")
    .description("Self-hosted gateway where every browser pairs as a device.")
    .version(GATEWAY_VERSION)
    .showSuggestionAfterError(true)
    .exitOverride();

  const start = program.command("start").description("run the gateway and dashboard");
  start.addOption(new Option("--state-dir <dir>", "database and admin socket (default: ~/.pairgate; config key: stateDir)").env(STATE_DIR_ENV));
  start.addOption(new Option("--config <file>", "JSON file with any of these settings, keys as named below").env(CONFIG_ENV));
  // Commander stores each value under its flag's name (--allowed-host → allowedHost, --max-unauth-per-address →
  // maxUnauthPerAddress); settings are keyed allowedHosts, unauthPerAddress. Without this map those flags and
  // their PAIRGATE_* variables were silently ignored.
  const attributeOf = new Map<string, string>();
  for (const spec of START_OPTIONS) {
    const placeholder =
      spec.kind === "port" || spec.kind === "int"
        ? "<n>"
        : spec.kind === "level"
          ? "<level>"
          : spec.kind === "format"
            ? "<format>"
            : spec.kind === "duration"
              ? "<duration>"
              : "<value>";
    const opt = new Option(`--${spec.flag} ${placeholder}`, `${spec.help} (default: ${defaultText(spec)}; config key: ${spec.key})`).env(optionEnv(spec));
    if (spec.kind === "list") opt.argParser(collect);
    start.addOption(opt);
    attributeOf.set(spec.key, opt.attributeName());
  }
  start.addHelpText(
    "after",
    `
Every setting comes from, in this order: its flag, its PAIRGATE_* variable, the --config file, the default.
Unknown flags, unknown config keys and bad values stop the gateway with exit code 2 and the setting's name.
Example config file: {"host": "0.0.0.0", "allowedHosts": ["nas.local"], "trustedProxies": ["127.0.0.1/32"]}
Deployment recipes (Docker, nginx, Caddy, LAN, SSH tunnel): docs/deploy.md`,
  );
  start.action(async (_o, cmd: Command) => {
    const opts = cmd.opts();
    const { config, warnings } = resolveStartConfig({
      flags: { ...opts, ...Object.fromEntries([...attributeOf].map(([key, attr]) => [key, opts[attr]])) },
      sourceOf: (key) => cmd.getOptionValueSource(attributeOf.get(key) ?? key),
      env: process.env,
      defaultStateDir: defaultStateDir(),
    });
    await runStart(config, warnings);
  });

  const devices = program.command("devices").description("list, approve, reject, revoke and rename devices");
  common(devices.command("list").description("paired devices").option("--all", "include revoked devices")).action((o: { all?: boolean }, cmd: Command) =>
    admin.listDevices(commonOpts(cmd), Boolean(o.all)),
  );
  common(devices.command("pending").description("browsers waiting for approval")).action((_o, cmd: Command) => admin.listPending(commonOpts(cmd)));
  common(
    devices
      .command("approve")
      .description("approve the browser showing CODE")
      .argument("<code>", "the code shown on the waiting browser, e.g. BCDF-GHJK")
      .addOption(new Option("--role <role>", "role for the new device").choices(ROLES).default(DEFAULT_ROLE))
      .option("--name <name>", "name for the device")
      .option("--replaces <device>", "an existing device this browser replaces (it is revoked)")
      .option("--expires <duration>", "a guest: the device is revoked this long after approval, e.g. 2h, 1d"),
  ).action((code: string, o: { role?: Role; name?: string; replaces?: string; expires?: string }, cmd: Command) => admin.approve(commonOpts(cmd), code, o));
  common(devices.command("reject").description("reject a waiting browser by its CODE, request id or fingerprint").argument("<request>")).action(
    (code: string, _o, cmd: Command) => admin.reject(commonOpts(cmd), code),
  );
  common(
    devices.command("revoke").description("revoke a device; its tabs are cut off at once").argument("<device>", "id, id prefix, fingerprint or exact name"),
  ).action((d: string, _o, cmd: Command) => admin.revoke(commonOpts(cmd), d));
  common(devices.command("rename").description("rename a device").argument("<device>").argument("<name>")).action((d: string, name: string, _o, cmd: Command) =>
    admin.rename(commonOpts(cmd), d, name),
  );

  common(
    program
      .command("invite")
      .description("make a one-time invite link (and QR) that pairs the browser that opens it")
      .addOption(new Option("--role <role>", "role the invited browser gets").choices(ROLES).default(DEFAULT_ROLE))
      .option("--ttl <duration>", "how long the link is valid, e.g. 15m, 2h, 1d", "15m")
      .option("--label <text>", "a note shown in the invite list")
      .option("--device-expires <duration>", "a guest: the paired device is revoked this long after pairing, e.g. 1d"),
  ).action((o: { role: Role; ttl: string; label?: string; deviceExpires?: string }, cmd: Command) => admin.invite(commonOpts(cmd), o));

  common(program.command("audit").description("the audit log, newest first").option("--limit <n>", "how many entries", "50")).action(
    (o: { limit: string }, cmd: Command) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError("--limit must be a whole number from 1 to 1000", EXIT.usage, "usage");
      return admin.audit(commonOpts(cmd), limit);
    },
  );
  const sessions = program.command("sessions").description("app sessions of the front door (docs/front-door.md): list and end them");
  common(
    sessions
      .command("list")
      .description("app sessions, most recently used first")
      .option("--device <device>", "only this device's (id, id prefix, fingerprint or exact name)"),
  ).action((o: { device?: string }, cmd: Command) => listSessions(commonOpts(cmd), o.device));
  common(
    sessions
      .command("end")
      .description("end one session, or every session of a device; the device stays paired")
      .argument("[session]", "a session id from `pairgate sessions list`")
      .option("--device <device>", "end every session of this device"),
  ).action((id: string | undefined, o: { device?: string }, cmd: Command) => endSessions(commonOpts(cmd), id, o.device));

  common(program.command("doctor").description("what the gateway sees, and why browsers may be refused")).action((_o, cmd: Command) => doctor(commonOpts(cmd)));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `pairgate doctor | head -1`: the reader is gone, so the rest of the output has nowhere to go. Stop quietly.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? EXIT.ok);
    throw err;
  });
  const program = buildProgram();
  const wantsJson = argv.includes("--json");
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    process.exitCode = exitCodeFor(err, wantsJson);
  }
}

function exitCodeFor(err: unknown, json: boolean): number {
  if (err instanceof CommanderError) {
    // --help and --version exit 0. A bare `pairgate` or `pairgate devices` shows the help on stderr with
    // exitCode 1: that is a usage error (2), as the README says.
    if ((err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") && err.exitCode === 0) return EXIT.ok;
    return EXIT.usage; // commander already printed the message
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`pairgate: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof CliError) {
    if (json) process.stdout.write(safeJson({ error: { code: err.code, message: err.message } }) + "\n");
    // Messages may quote names from browsers (an ambiguous DEVICE lists its candidates).
    process.stderr.write(`pairgate: ${printableLines(err.message)}\n`);
    return err.exitCode;
  }
  process.stderr.write(`pairgate: ${printableLines(err instanceof Error ? err.message : String(err))}\n`);
  return EXIT.refused;
}
