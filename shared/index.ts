// The protocol, in one export block: both the dashboard and the gateway import from here.
export { encodeB64u, decodeB64u, b64uLength } from "./encoding/b64u.js";
export { encodeHex } from "./encoding/hex.js";
export { classifyAddress, normalizeAddress, NETWORK_CLASSES, NETWORK_CLASS_LABELS, type NetworkClass } from "./net/network-class.js";
export { isIPv4, isIPv6, parseIPv6 } from "./net/ip.js";
export { safeRedirectPath } from "./net/redirect-path.js";
export { deviceIdFromPublicKey, fingerprintFromPublicKey, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from "./pairing/device-id.js";
export { buildSignedBytes, CONNECT_DOMAIN, type ConnectPayload } from "./pairing/signed-payload.js";
export { generateCode, normalizeCode, formatCode, CODE_ALPHABET, CODE_LENGTH } from "./pairing/pairing-code.js";
export * from "./protocol/version.js";
export * from "./protocol/errors.js";
export * from "./protocol/views.js";
export * from "./protocol/admin-views.js";
export * from "./protocol/rpc.js";
export * from "./protocol/frames.js";
export * from "./protocol/parse.js";
export * from "./protocol/device-search.js";
export { formatTime, formatDuration, formatRelativeTime, formatWhen } from "./format/time.js";
export { printable, hasUnsafeChars, replaceUnsafeChars, quoteName } from "./format/text.js";
export {
  parseDuration,
  parseDeviceExpiry,
  DEVICE_EXPIRY_MIN_MS,
  DEVICE_EXPIRY_MAX_MS,
  DEVICE_EXPIRY_RULE,
  IDLE_EXPIRY_MIN_MS,
  IDLE_EXPIRY_RULE,
} from "./format/duration.js";
export { describeAuditEntry } from "./format/audit.js";
export { Name, Label, NAME_MAX_CHARS, NAME_RULE, nameProblem, sanitizeClientName } from "./protocol/names.js";
export * from "./protocol/reserved.js";
