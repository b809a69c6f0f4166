// The zod-backed half of the shared protocol: the frame parser and the RPC result schemas. The client gets it
// through a loader (GatewayClient's `loadProtocol`), and frames that arrive before it resolves wait in order.
// The browser build imports it statically (boot/create-gateway.ts): the first frame needs it.
import { parseServerFrame } from "../../../shared/protocol/parse.js";
import { METHODS } from "../../../shared/protocol/rpc.js";

export { METHODS, parseServerFrame };

export interface Protocol {
  parseServerFrame: typeof parseServerFrame;
  METHODS: typeof METHODS;
}
