// The zod-backed half of the shared protocol: the frame parser and the RPC result schemas (not the params: the
// gateway checks those). The client gets it through a loader (GatewayClient's `loadProtocol`), and frames that
// arrive before it resolves wait in order. The browser build imports it statically (boot/create-gateway.ts): the
// first frame needs it.
export { parseServerFrame } from "../../../shared/protocol/parse.js";
export { RESULTS } from "../../../shared/protocol/results.js";

export type Protocol = typeof import("./protocol.js");
