// A raw NDJSON client for <state-dir>/admin.sock, as the CLI speaks it, for tests that need many admin calls
// without spawning a CLI per call, or an admin view (gateway.doctor) of an in-process gateway.
import { connect, type Socket } from "node:net";
import { join } from "node:path";

export type AdminReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { code: string; message: string } };

export interface AdminClient {
  socket: Socket;
  call<T = unknown>(method: string, params?: unknown): Promise<AdminReply & { result?: T }>;
  /** Sends one line without waiting; the reply arrives through onReply. */
  send(method: string, params?: unknown): number;
  onReply: ((reply: AdminReply) => void) | null;
  close(): void;
}

export function openAdmin(stateDir: string): Promise<AdminClient> {
  const socket = connect(join(stateDir, "admin.sock"));
  socket.setEncoding("utf8");
  let buffer = "";
  let nextId = 0;
  const waiting = new Map<number, (r: AdminReply) => void>();
  const client: AdminClient = {
    socket,
    onReply: null,
    send(method, params = {}) {
      const id = ++nextId;
      socket.write(JSON.stringify({ id, method, params }) + "\n");
      return id;
    },
    call(method, params = {}) {
      const id = client.send(method, params);
      return new Promise((resolve) => waiting.set(id, resolve as (r: AdminReply) => void));
    },
    close: () => socket.end(),
  };
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) !== -1) {
      const reply = JSON.parse(buffer.slice(0, nl)) as AdminReply;
      buffer = buffer.slice(nl + 1);
      waiting.get(reply.id)?.(reply);
      waiting.delete(reply.id);
      client.onReply?.(reply);
    }
  });
  socket.on("error", () => {}); // a killed gateway resets the socket; callers see missing replies, not a crash
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(client));
    socket.once("error", reject);
  });
}

/** Calls one admin method and throws on a refusal, for setup steps. */
export async function adminCall<T>(stateDir: string, method: string, params: unknown = {}): Promise<T> {
  const admin = await openAdmin(stateDir);
  try {
    const reply = await admin.call<T>(method, params);
    if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
    return reply.result as T;
  } finally {
    admin.close();
  }
}
