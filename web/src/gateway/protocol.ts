// The browser's half of the protocol: the parser for what the gateway sends (every frame, and every built-in
// method's result). It is generated from the zod schemas in shared/protocol (scripts/gen-frame-parsers.ts), so
// the schemas stay the one definition of each message while the browser ships plain checks instead of zod. The
// client gets it through a loader (GatewayClient's `loadProtocol`), and frames that arrive before it resolves wait
// in order. The dashboard imports it statically (boot/create-gateway.ts): the first frame needs it.
import { parseResult, parseServerFrame } from "./server-frames.generated.js";

export { parseResult, parseServerFrame };

/** Spelled out rather than `typeof import("./protocol.js")`, which is an import cycle of this file with itself. */
export interface Protocol {
  parseServerFrame: typeof parseServerFrame;
  parseResult: typeof parseResult;
}
