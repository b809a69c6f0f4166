// The zod-backed half of the shared protocol: the frame parser, and a loader for the RPC result schemas (not the
// params: the gateway checks those). The client gets it through a loader (GatewayClient's `loadProtocol`), and
// frames that arrive before it resolves wait in order. The result schemas are a chunk of their own, fetched with
// the first answer to a built-in method: a page that pairs and calls only its app's methods never loads them
// (docs/performance.md, "Library"). The dashboard passes them in statically (boot/create-gateway.ts).
import { parseServerFrame } from "../../../shared/protocol/parse.js";
import type { RESULTS } from "../../../shared/protocol/results.js";

export { parseServerFrame };

export type Results = typeof RESULTS;

export function loadResults(): Promise<Results> {
  return import("../../../shared/protocol/results.js").then((module) => module.RESULTS);
}

/** Spelled out rather than `typeof import("./protocol.js")`, which is an import cycle of this file with itself. */
export interface Protocol {
  parseServerFrame: typeof parseServerFrame;
  loadResults(): Promise<Results>;
}
