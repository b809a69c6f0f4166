// The CLI side of the admin socket: one request, one reply. No gateway → exit 3 with what to check.
import { connect } from "node:net";
import { join } from "node:path";
import { type AdminMethodName, type AdminParams, AdminReply, type AdminResult } from "../admin/admin-protocol.js";
import { inspectStateDir, refuseSharedStateDir } from "../config/state-dir.js";
import { CliError, EXIT } from "./exit-codes.js";

const TIMEOUT_MS = 10_000;

/** One admin request; params and result are typed by the method (admin-protocol.ts). */
export async function callGateway<M extends AdminMethodName>(
  stateDir: string,
  method: M,
  ...rest: Record<never, never> extends AdminParams<M> ? [params?: AdminParams<M>] : [params: AdminParams<M>]
): Promise<AdminResult<M>> {
  const params = rest[0] ?? {};
  const path = join(stateDir, "admin.sock");
  // The CLI writes approve codes and admin commands into this socket: one in a dir that another user owns or can
  // write may be theirs, not the gateway's. The same rule as `start` (exit 2 with the chown/chmod to run).
  const facts = inspectStateDir(stateDir);
  if (facts.exists) refuseSharedStateDir(stateDir, facts, { rootMayUseOthers: true });
  return new Promise<AdminResult<M>>((resolve, reject) => {
    const socket = connect(path);
    let buffer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new CliError(`the gateway did not answer within ${TIMEOUT_MS / 1000} s`, EXIT.notRunning, "timeout"));
    }, TIMEOUT_MS);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(JSON.stringify({ id: 1, method, params }) + "\n"));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const notRunning = err.code === "ENOENT" || err.code === "ECONNREFUSED";
      reject(
        new CliError(
          notRunning
            ? `no gateway is running with state dir ${stateDir} (no answer on ${path}).\n` +
                `Start one with \`npm start\` or \`pairgate start\`, or point at its state dir with --state-dir / PAIRGATE_STATE_DIR.`
            : err.code === "EACCES"
              ? `permission denied on ${path}: run the CLI as the user that runs the gateway.`
              : `cannot reach the gateway: ${err.message}`,
          EXIT.notRunning,
          notRunning ? "not_running" : "unreachable",
        ),
      );
    });
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf("\n");
      if (nl === -1) return;
      clearTimeout(timer);
      socket.end();
      let json: unknown;
      try {
        json = JSON.parse(buffer.slice(0, nl));
      } catch {
        json = undefined;
      }
      const reply = AdminReply.safeParse(json);
      if (!reply.success) return reject(new CliError("the gateway sent an unreadable reply", EXIT.refused, "bad_reply"));
      // The result's shape is the gateway's own (the same install), so it is typed, not re-validated.
      if (reply.data.ok) resolve(reply.data.result as AdminResult<M>);
      // A value the gateway finds invalid is a usage error, like one the CLI catches itself.
      else reject(new CliError(reply.data.error.message, reply.data.error.code === "invalid_params" ? EXIT.usage : EXIT.refused, reply.data.error.code));
    });
  });
}
