// The one dedicated, unpooled LISTEN connection of a replica. NOTIFY has no replay, so the connection is pinged;
// when it fails (Postgres restarted, the backend was terminated, the network dropped) it is replaced with backoff,
// and once it listens again every subscriber is told to resync, since changes in between may be lost.
import pg from "pg";
import type { ChangeFeedHealth, ChangeListener, StoreChange } from "./device-store.js";

export const CHANNEL = "pairgate_changes";

export interface ListenerOptions {
  url: string;
  replicaId: string;
  pingMs: number;
  /** A ping unanswered this long counts as a dead connection. */
  pingTimeoutMs: number;
  maxBackoffMs: number;
  onError: (message: string) => void;
}

/** What a NOTIFY carries: the change and the replica that made it. Ids only, never a secret. */
export interface ChangePayload extends StoreChange {
  from: string;
}

export class PostgresListener {
  private readonly listeners = new Set<ChangeListener>();
  private client: pg.Client | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private connectedOnce = false;
  private backoffMs = 100;
  private readonly state: ChangeFeedHealth = { listening: false, lastPingAtMs: null, reconnects: 0, lastError: null };

  constructor(private readonly opts: ListenerOptions) {}

  /** Connects and listens; rejects when the first connection fails (the store then refuses to open). */
  async start(): Promise<void> {
    await this.connect();
    this.pingTimer = setInterval(() => void this.ping(), this.opts.pingMs);
    this.pingTimer.unref();
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  health(): ChangeFeedHealth {
    return { ...this.state };
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.url, application_name: `pairgate-listen ${this.opts.replicaId}`, keepAlive: true });
    client.on("error", (err) => this.lost(client, err.message));
    client.on("end", () => this.lost(client, "connection ended"));
    client.on("notification", (msg) => this.deliver(msg.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined); // the connection is already broken; closing is best effort
      throw err;
    }
    if (this.closed) return void (await client.end());
    this.client = client;
    this.backoffMs = 100;
    Object.assign(this.state, { listening: true, lastPingAtMs: Date.now() });
    if (this.connectedOnce) {
      this.state.reconnects++;
      for (const l of this.listeners) l.onResync();
    }
    this.connectedOnce = true;
  }

  private deliver(payload: string | undefined): void {
    let change: ChangePayload;
    try {
      change = JSON.parse(payload ?? "") as ChangePayload;
    } catch {
      return this.opts.onError("unreadable change notification ignored");
    }
    if (change.from === this.opts.replicaId) return; // this replica announced it already
    for (const l of this.listeners) l.onChange({ type: change.type, id: change.id });
  }

  private async ping(): Promise<void> {
    const client = this.client;
    if (!client) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to a ping in ${this.opts.pingTimeoutMs} ms`)), this.opts.pingTimeoutMs);
    });
    try {
      await Promise.race([client.query("SELECT 1"), timeout]);
      this.state.lastPingAtMs = Date.now();
    } catch (err) {
      this.lost(client, (err as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops a failed connection (once) and schedules a new one. */
  private lost(client: pg.Client, why: string): void {
    if (this.client !== client) return;
    this.client = null;
    this.state.listening = false;
    this.state.lastError = why;
    this.opts.onError(`LISTEN connection lost: ${why}`);
    client.removeAllListeners("end");
    client.on("error", () => undefined); // late errors of a connection we dropped
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().catch((err: Error) => {
        this.state.lastError = err.message;
        this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs);
        this.scheduleReconnect();
      });
    }, this.backoffMs);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    this.state.listening = false;
    if (client) {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined); // closing a connection that may already be gone
    }
  }
}
