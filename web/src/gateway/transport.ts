// The gateway client's wire: opens sockets, loads the frame parser alongside the first one, and hands each socket's
// frames on parsed and in arrival order (frames that come before the parser wait for it). Knows nothing of pairing.
import type { ServerFrame } from "../../../shared/protocol/frames.js";
import type { Protocol } from "./protocol.js";
import type { OpenSocket } from "./socket.js";

export interface LinkHandlers {
  onFrame(frame: ServerFrame, protocol: Protocol): void;
  /** A frame that didn't parse: almost always a gateway that was updated while this page wasn't. */
  onUnreadable(reason: string): void;
  onClose(code: number): void;
}

/** One socket to the gateway. */
export interface Link {
  send(frame: object): void;
  close(code: number, reason: string): void;
}

export interface TransportDeps {
  url: string;
  openSocket: OpenSocket;
  loadProtocol(): Promise<Protocol>;
  /** The parser failed to load while frames were waiting for it (the next open() tries to load it again). */
  onProtocolUnavailable(): void;
}

export class Transport {
  readonly #deps: TransportDeps;
  #protocol: Protocol | null = null;
  #isProtocolLoading = false;
  /** Frames that arrived before the parser loaded; handled in arrival order once it has. */
  #backlog: Array<{ handlers: LinkHandlers; text: string }> = [];

  constructor(deps: TransportDeps) {
    this.#deps = deps;
  }

  open(handlers: LinkHandlers): Link {
    this.#loadProtocol();
    const socket = this.#deps.openSocket(this.#deps.url, {
      onMessage: (text) => {
        if (this.#protocol) this.#parse(this.#protocol, handlers, text);
        else this.#backlog.push({ handlers, text });
      },
      onClose: (code) => handlers.onClose(code),
    });
    return { send: (frame) => socket.send(JSON.stringify(frame)), close: (code, reason) => socket.close(code, reason) };
  }

  #parse(protocol: Protocol, handlers: LinkHandlers, text: string): void {
    const parsed = protocol.parseServerFrame(text);
    if (parsed.ok) handlers.onFrame(parsed.frame, protocol);
    else handlers.onUnreadable(parsed.reason);
  }

  #loadProtocol(): void {
    if (this.#protocol || this.#isProtocolLoading) return;
    this.#isProtocolLoading = true;
    this.#deps.loadProtocol().then(
      (protocol) => {
        this.#isProtocolLoading = false;
        this.#protocol = protocol;
        const backlog = this.#backlog;
        this.#backlog = [];
        for (const { handlers, text } of backlog) this.#parse(protocol, handlers, text);
      },
      (error: unknown) => {
        this.#isProtocolLoading = false;
        // With frames waiting, the likeliest cause is a gateway upgrade that removed this page's chunks, and a
        // reload fixes that.
        console.warn("pairgate: could not load the protocol module", error);
        if (this.#backlog.length === 0) return;
        this.#backlog = [];
        this.#deps.onProtocolUnavailable();
      },
    );
  }
}
