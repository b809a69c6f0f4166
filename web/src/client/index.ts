// pairgate/client: the browser side of device pairing, no framework. One client per page: it makes and keeps
// this browser's key, answers the gateway's challenge, waits for approval on an open socket, reconnects, and
// calls the app's methods typed from the server's method map (a type-only import; no server code ships).
import type { $ZodType, input } from "zod/v4/core";
import type { EventData, EventName } from "../../../shared/protocol/frames.js";
import type { MethodName, MethodParams, MethodResult } from "../../../shared/protocol/rpc.js";
import type { GatewaySnapshot } from "../gateway/gateway-state.js";
import { createBrowserClient, type BrowserClientOptions } from "./create-client.js";

/** The shape of one server-side method, as far as the browser needs it (structural: no server import). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MethodShape = { params: $ZodType; handler: (...args: any[]) => unknown };
export type MethodsShape = Record<string, MethodShape>;

export type ParamsOf<M extends MethodShape> = input<M["params"]>;
export type ResultOf<M extends MethodShape> = Awaited<ReturnType<M["handler"]>>;

export interface PairgateClient<M extends MethodsShape = Record<never, MethodShape>> {
  /** The app's own methods: params and result typed from `typeof methods` on the server. */
  call<K extends keyof M & string>(method: K, params: ParamsOf<M[K]>): Promise<ResultOf<M[K]>>;
  /** pairgate's built-in methods (devices.list, devices.approve, …), for admin screens. */
  call<K extends MethodName>(method: K, params: MethodParams<K>): Promise<MethodResult<K>>;
  on<E extends EventName>(event: E, handler: (data: EventData<E>) => void): () => void;
  /** An event the app publishes with pg.publish(); type its data with the type parameter. */
  on<T = unknown>(event: string, handler: (data: T) => void): () => void;
  /** For useSyncExternalStore: the connection state (pending with its code, paired with its device, …). */
  subscribe(listener: () => void): () => void;
  getSnapshot(): GatewaySnapshot;
  /** Settles once this browser's key has been read (or made), whatever the outcome: e.g. to run storage checks after it. */
  keyReady(): Promise<void>;
  retryNow(): void;
  requestAgain(): void;
  pairAgain(): void;
  dispose(): void;
}

export type PairgateClientOptions = BrowserClientOptions;

/** Starts the key read and the socket at once; the returned client is already connecting. */
export function createPairgateClient<M extends MethodsShape = Record<never, MethodShape>>(options: PairgateClientOptions = {}): PairgateClient<M> {
  // The runtime client accepts any method name; this interface is what narrows it to the app's map.
  return createBrowserClient(options) as unknown as PairgateClient<M>;
}

export { GatewayCallError as PairgateCallError, type CallErrorCode } from "../gateway/call-error.js";
export type { GatewaySnapshot, GatewayState, PairedState, PendingState, ConnectionStatus } from "../gateway/gateway-state.js";
export type { KeyStore } from "../device-key/key-store.js";
export type { OpenSocket, SocketHandlers, SocketLike } from "../gateway/socket.js";
export type { DeviceView, PendingView, InviteView, Role, SeenFrom, ErrorCode, DevicesListResult } from "../../../shared/index.js";
