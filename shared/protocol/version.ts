// Protocol identity. Bump PROTOCOL_VERSION whenever a schema in frames.ts or rpc.ts changes shape:
// test/unit/protocol-pin.test.ts fails until the pinned hash and this number move together.

export const PROTOCOL_VERSION = 5;
export const SUBPROTOCOL = "pairgate.v1";
export const WS_PATH = "/ws";
/** Client frames above this size close the socket with bad_frame (DESIGN §3). */
export const MAX_FRAME_BYTES = 64 * 1024;
/**
 * The gateway's own frames may be larger (a page of devices, a burst of presence changes); clients refuse anything
 * above this. The gateway keeps pages and diffs well under it (DEVICES_PAGE_MAX, DIFF_CHUNK_ITEMS).
 */
export const MAX_SERVER_FRAME_BYTES = 1024 * 1024;
export const NONCE_TTL_MS = 30_000;
export const HANDSHAKE_TIMEOUT_MS = 10_000;
export const MAX_CLOCK_SKEW_MS = 120_000;
export const PAIRING_TTL_MS = 10 * 60_000;
export const INVITE_DEFAULT_TTL_MS = 15 * 60_000;
