// The zod-backed half of the shared protocol: the frame parser and the RPC result schemas. The client
// loads it with import() at the same moment it opens the socket, so zod is not in the entry chunk, and
// frames that arrive first wait for it in order.
export { parseServerFrame } from "../../../shared/protocol/parse.js";
export { METHODS } from "../../../shared/protocol/rpc.js";

export type Protocol = typeof import("./protocol.js");
