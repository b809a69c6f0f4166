// Shared steps for integration tests: request pairing, pair a device (as the CLI would approve it), and wait
// for frames without consuming them. Real sockets against a real gateway; nothing here reaches into its state.
import type { ServerFrame, EventName, EventData, Role, PairingFrame, WelcomeFrame, HelloFrame } from "../../shared/index.js";
import type { startGateway } from "./gateway-harness.js";
import { makeTestKey, type TestKey } from "./test-key.js";
import { connectClient, type ConnectOptions, type TestClient } from "./ws-client.js";

export type Harness = Awaited<ReturnType<typeof startGateway>>;
export const CLI = { kind: "cli" } as const;

export interface HelloOptions {
  connect?: ConnectOptions;
  hello?: Partial<HelloFrame> & { origin?: string };
}

/** Opens a socket for `key`, says hello and waits for the pairing frame (the request stays pending). */
export async function requestPairing(url: string, key: TestKey = makeTestKey(), opts: HelloOptions = {}) {
  const client = await connectClient(url, key, opts.connect);
  await client.hello(opts.hello);
  const pairing: PairingFrame = await client.next("pairing");
  return { client, key, pairing };
}

/** A paired, connected device: requested over /ws, approved through the CLI path, welcomed on the same socket. */
export async function pairDevice(h: Harness, opts: HelloOptions & { role?: Role; key?: TestKey; name?: string } = {}) {
  const key = opts.key ?? makeTestKey();
  const hello = opts.name ? { ...opts.hello, client: { name: opts.name, userAgent: opts.hello?.client?.userAgent ?? "pairgate-test" } } : opts.hello;
  const { client, pairing } = await requestPairing(h.url, key, { ...opts, ...(hello ? { hello } : {}) });
  await h.gateway.dispatch(CLI, "devices.approve", { code: pairing.request.code, role: opts.role ?? "admin" });
  const welcome: WelcomeFrame = await client.next("welcome");
  return { client, key, device: welcome.device, welcome, pairing };
}

/** Resolves with the first frame (from index `from` on) that matches; frames are not consumed, unlike next(). */
export function waitForFrame<T extends ServerFrame = ServerFrame>(
  client: TestClient,
  matches: (f: ServerFrame) => boolean,
  opts: { from?: number; timeoutMs?: number } = {},
): Promise<T> {
  const scan = () => client.frames.slice(opts.from ?? 0).find(matches) as T | undefined;
  const found = scan();
  if (found) return Promise.resolve(found);
  return new Promise<T>((resolve, reject) => {
    const onMessage = () => {
      const f = scan();
      if (!f) return;
      cleanup();
      resolve(f);
    };
    const onClose = () => {
      const f = scan();
      cleanup();
      if (f) resolve(f);
      else reject(new Error("socket closed before the expected frame arrived"));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for a frame; got ${client.frames.map((f) => (f.type === "event" ? f.event : f.type)).join(", ")}`));
    }, opts.timeoutMs ?? 5000);
    const cleanup = () => {
      clearTimeout(timer);
      client.ws.off("message", onMessage);
      client.ws.off("close", onClose);
    };
    // The client's own listener (registered first) has already pushed the frame when ours runs.
    client.ws.on("message", onMessage);
    client.ws.on("close", onClose);
  });
}

export async function waitForEvent<E extends EventName>(
  client: TestClient,
  event: E,
  matches: (data: EventData<E>) => boolean = () => true,
  opts: { from?: number; timeoutMs?: number } = {},
): Promise<EventData<E>> {
  const f = await waitForFrame(client, (x) => x.type === "event" && x.event === event && matches(x.data as EventData<E>), opts);
  return (f as Extract<ServerFrame, { type: "event" }>).data as EventData<E>;
}

export function eventsOf(client: TestClient, event: EventName): unknown[] {
  return client.frames.filter((f) => f.type === "event" && f.event === event).map((f) => (f as Extract<ServerFrame, { type: "event" }>).data);
}

/** Expects `error {code}` and then the close code; returns both for further checks. */
export async function expectRefusal(client: TestClient, code: string, closeCode: number) {
  const closed = await client.closed;
  const error = client.frames.find((f) => f.type === "error");
  if (!error || error.type !== "error")
    throw new Error(`expected error ${code}, got frames ${JSON.stringify(client.frames.map((f) => f.type))} and close ${closed.code}`);
  if (error.code !== code || closed.code !== closeCode) {
    throw new Error(`expected ${code}/${closeCode}, got ${error.code}/${closed.code}: ${error.message}`);
  }
  return { error, closed };
}

/** A fixed, hand-advanced clock for gateways started with `now`. */
export function manualClock(startMs = Date.now()) {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms: number) => void (t += ms),
    set: (ms: number) => void (t = ms),
  };
}

/** Waits for a condition the test can't be told about (a server-side socket close); fails after `timeoutMs`. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
