// `pairgate start`: resolve the config, open the store, listen, print where to go, stop cleanly on signals.
import { ConfigError, type GatewayConfig } from "../config/config.js";
import { fdLimitWarning, openFileLimit } from "../config/fd-limit.js";
import { ensureStateDir } from "../config/state-dir.js";
import { approveCommand, cliCommandOf, commandLine } from "../config/cli-command.js";
import { createGateway } from "../gateway.js";
import { createLogger } from "../log/logger.js";
import { StoreError } from "../store/store-error.js";
import { GATEWAY_VERSION } from "../version.js";
import { CliError, EXIT } from "./exit-codes.js";
import { printQr } from "./qr.js";

const SHUTDOWN_DEADLINE_MS = 4500;

export async function runStart(config: GatewayConfig, warnings: string[] = []): Promise<void> {
  const startedAt = performance.now();
  const log = createLogger(config.logLevel, undefined, config.logFormat);
  const fdWarning = fdLimitWarning(config.limits, openFileLimit());
  for (const problem of fdWarning ? [...warnings, fdWarning] : warnings) log.warn("config warning", { problem });
  ensureStateDir(config.stateDir);
  // Every file the gateway makes (DB, WAL, SHM, admin socket) is for this user only, whatever umask it came with.
  process.umask(0o077);
  const gateway = await createGateway(config, { log }).catch((err: unknown) => {
    // A database we can't reach or won't touch: one clear line and exit 1, not a stack trace.
    throw err instanceof StoreError ? new CliError(err.message, EXIT.refused, err.code) : err;
  });
  const out = (line = "") => process.stdout.write(line + "\n");
  // Handlers go in before listening: a signal that lands between "listening" and the first-start invite must
  // still stop gracefully (exit 0, DB closed), not kill the process with the default action.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    out(`\n${signal}: stopping…`);
    const force = setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS);
    force.unref();
    gateway
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  try {
    await gateway.listen();
  } catch (err) {
    // The store is open; close it so the exit is clean. A failure while closing changes nothing for the user.
    await gateway.stop().catch(() => undefined);
    throw listenError(err, config);
  }
  // People first: the banner and the first-start link, then the log lines, so none land between them.
  const link = gateway.publicLink;
  out(
    `pairgate ${GATEWAY_VERSION}: "${config.name}" listening on http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${gateway.port}  (ready in ${Math.round(performance.now() - startedAt)} ms)`,
  );
  out(`  open       ${link.url}${link.guessed ? `  (${link.source}; set --public-url if other machines use another address)` : ""}`);
  out(`  state dir  ${config.stateDir}`);
  out(`  approve    ${approveCommand(cliCommandOf(config), "CODE")}   (a viewer; add --role admin for an admin)`);
  const invite = await gateway.firstStartInvite();
  if (invite) {
    // The one place a secret is printed: on the owner's console, once, while no admin exists (docs/design.md#details).
    out("");
    out("No admin browser is paired yet. Open this one-time admin link (valid 15 min, single use):");
    out(`  ${invite.url}`);
    await printQr(invite.url);
    out(`Lost it? Run \`${commandLine(cliCommandOf(config), "invite --role admin")}\` for another, or approve a browser's code with the command above.`);
  }
  log.info("listening", {
    host: config.host,
    port: gateway.port,
    publicUrl: link.url,
    publicUrlGuessed: link.guessed,
    stateDir: config.stateDir,
    version: GATEWAY_VERSION,
    store: gateway.store.info().location,
    replicaId: gateway.replicaId,
  });
  log.info("config", {
    configFile: config.configFile ?? null,
    allowedHosts: config.allowedHosts.join(",") || null,
    allowedOrigins: config.allowedOrigins.join(",") || null,
    trustedProxies: config.trustedProxies.map((c) => c.text).join(",") || null,
    sources: config.sources
      ? Object.entries(config.sources)
          .filter(([, s]) => s !== "default")
          .map(([k, s]) => `${k}=${s}`)
          .join(",") || null
      : null,
  });
}

/** Listen failures in words, with the setting to change: each is a setting this machine can't honour (exit 2). */
function listenError(err: unknown, config: GatewayConfig): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `${config.host}:${config.port}`;
  if (code === "EADDRINUSE")
    return new ConfigError(`--port ${config.port}: ${where} is already in use (another pairgate, or another server); choose another --port`);
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN")
    return new ConfigError(`--host ${config.host} is not an address of this machine (${code}); use 127.0.0.1, 0.0.0.0, or one of its addresses`);
  if (code === "EACCES")
    return new ConfigError(`--port ${config.port}: no permission to listen on ${where}; ports below 1024 need root: use --port 8420 and map the port instead`);
  return err instanceof Error ? err : new Error(String(err));
}
