// The zod-backed half of the shared protocol: the frame parser and the RPC result schemas. The client gets it
// through a loader (GatewayClient's `loadProtocol`), and frames that arrive before it resolves wait in order.
// The browser build imports it statically (boot/create-gateway.ts): the first frame needs it.
export { parseServerFrame } from "../../../shared/protocol/parse.js";
export { METHODS } from "../../../shared/protocol/rpc.js";

export type Protocol = typeof import("./protocol.js");
