// The local admin channel (docs/design.md#cli): newline-delimited JSON over <state-dir>/admin.sock, mode 0600.
// Trust comes from filesystem permission, not the network, so `docker exec … pairgate devices approve` works anywhere.
import { chmodSync, existsSync, unlinkSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { ERRORS, PairgateError } from "../../../shared/index.js";
import type { RpcDispatch } from "../gateway/rpc-handlers.js";
import type { Logger } from "../log/logger.js";
import { type AdminReply, type AdminReplyBody, type AdminRequestId, isLocalMethod, parseAdminRequest } from "./admin-protocol.js";

export interface AdminSocketDeps {
  dispatch: RpcDispatch;
  doctor: () => unknown;
  log: Logger;
}

export interface AdminSocket {
  path: string;
  close(): Promise<void>;
}

const MAX_LINE_BYTES = 64 * 1024;
/** Only this process's user can connect, but a stuck script must not exhaust the gateway's file descriptors. */
export const ADMIN_MAX_CLIENTS = 16;
/** A CLI command is one request and its answer; a connection silent this long is dropped. */
export const ADMIN_IDLE_MS = 30_000;

export async function startAdminSocket(path: string, deps: AdminSocketDeps, opts: { maxClients?: number; idleMs?: number } = {}): Promise<AdminSocket> {
  await removeStaleSocket(path);
  const clients = new Set<Socket>();
  const maxClients = opts.maxClients ?? ADMIN_MAX_CLIENTS;
  const server = createServer((socket) => {
    // Tracked before the cap check, so close() also destroys a refused socket whose peer never hangs up.
    clients.add(socket);
    socket.once("close", () => clients.delete(socket));
    socket.setTimeout(opts.idleMs ?? ADMIN_IDLE_MS, () => socket.destroy());
    if (clients.size > maxClients) {
      socket.on("error", () => socket.destroy());
      reply(socket, null, { ok: false, error: { code: "rate_limited", message: `more than ${maxClients} CLI connections are open; try again` } });
      return void socket.end();
    }
    serve(socket, deps);
  });
  const oldUmask = process.umask(0o177); // no window in which the socket is group/world accessible
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(oldUmask);
  }
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // An idle or hung CLI connection must not hold up shutdown past its 5 s deadline (docs/design.md#details).
        for (const socket of clients) socket.destroy();
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to clean up
        }
      }),
  };
}

function serve(socket: Socket, deps: AdminSocketDeps): void {
  let buffer = "";
  socket.setEncoding("utf8");
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_LINE_BYTES) {
      reply(socket, null, { ok: false, error: { code: "bad_frame", message: "request too large" } });
      return socket.end();
    }
    let nl: number;
    while ((nl = buffer.indexOf("\n")) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) {
        handleLine(socket, line, deps).catch((err: unknown) => {
          // handleLine answers every refusal itself; this is the last guard against a bug taking the gateway down.
          deps.log.error("admin request failed", { error: err instanceof Error ? err.message : String(err) });
          reply(socket, null, { ok: false, error: { code: "internal", message: ERRORS.internal.message } });
        });
      }
    }
  });
}

async function handleLine(socket: Socket, line: string, deps: AdminSocketDeps): Promise<void> {
  // Reading `.id` off a `null` line used to reject unhandled (issue 11 C): every shape goes through one parser.
  const req = parseAdminRequest(line);
  const id = req.id;
  if (!req.ok) return reply(socket, id, { ok: false, error: { code: "bad_frame", message: req.message } });
  try {
    const result = isLocalMethod(req.method) ? deps.doctor() : await deps.dispatch({ kind: "cli" }, req.method, req.params);
    reply(socket, id, { ok: true, result });
  } catch (err) {
    if (err instanceof PairgateError) return reply(socket, id, { ok: false, error: { code: err.code, message: err.message } });
    deps.log.error("admin request failed", { method: req.method, error: err instanceof Error ? err.message : String(err) });
    reply(socket, id, { ok: false, error: { code: "internal", message: ERRORS.internal.message } });
  }
}

function reply(socket: Socket, id: AdminRequestId, body: AdminReplyBody): void {
  const frame: AdminReply = { id, ...body };
  if (!socket.destroyed) socket.write(JSON.stringify(frame) + "\n");
}

/** A socket file left by a crashed gateway is removed; a live one means another gateway owns this state dir. */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (live) throw new Error(`another pairgate gateway is already running with this state dir (${path} answers)`);
  unlinkSync(path);
}
