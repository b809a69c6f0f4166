// `pairgate start`: resolve the config, open the store, listen, print where to go, stop cleanly on signals.
import type { GatewayConfig } from "../config/config.js";
import { createGateway } from "../gateway.js";
import { GATEWAY_VERSION } from "../version.js";
import { printQr } from "./qr.js";

const SHUTDOWN_DEADLINE_MS = 4500;

export async function runStart(config: GatewayConfig): Promise<void> {
  const startedAt = performance.now();
  const gateway = await createGateway(config);
  await gateway.listen();
  const url = gateway.publicUrl;
  const out = (line = "") => process.stdout.write(line + "\n");
  out(`pairgate ${GATEWAY_VERSION}: "${config.name}" listening on ${url}  (ready in ${Math.round(performance.now() - startedAt)} ms)`);
  out(`  state dir  ${config.stateDir}`);
  out(`  approve    ${config.cliHint} devices approve CODE`);
  const invite = await gateway.firstStartInvite();
  if (invite) {
    // The one place a secret is printed: on the owner's console, once, while no admin exists (DESIGN §10).
    out("");
    out("No admin browser is paired yet. Open this one-time admin link (valid 15 min, single use):");
    out(`  ${invite.url}`);
    await printQr(invite.url);
    out(`Lost it? Run \`${config.cliHint} invite\` for another, or approve a browser's code with the command above.`);
  }
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
}
