// The zod-backed half of the shared protocol: the frame parser and the RPC result schemas (not the params: the
// gateway checks those). The client gets it through a loader (GatewayClient's `loadProtocol`), and frames that
// arrive before it resolves wait in order. The browser build imports it statically (boot/create-gateway.ts): the
// first frame needs it.
import { parseServerFrame } from "../../../shared/protocol/parse.js";
import { RESULTS } from "../../../shared/protocol/results.js";

export { parseServerFrame, RESULTS };

/** Spelled out rather than `typeof import("./protocol.js")`, which is an import cycle of this file with itself. */
export interface Protocol {
  parseServerFrame: typeof parseServerFrame;
  RESULTS: typeof RESULTS;
}
