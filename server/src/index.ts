// pairgate/server: device pairing inside your own Node server (Node only; no DOM, no React).
// docs/embedding.md is the reference for every option, event and error code.
export {
  createPairgate,
  type AttachOptions,
  type OperatorOptions,
  type Pairgate,
  type PairgateEventName,
  type PairgateEvents,
  type PairgateOptions,
  type PublishTarget,
} from "./core/create-pairgate.js";
export { defineMethod, type AppMethod, type MethodContext, type MethodDevice, type MethodMap } from "./core/app-methods.js";
export { memoryStore, postgresStore, sqliteStore } from "./core/stores.js";
export { requireDevice, type PairgateRequestInfo, type RequireDeviceOptions } from "./front-door/require-device.js";
export type { SessionIdentity, SessionView } from "./sessions/session-registry.js";
export type {
  DeviceStore,
  DeviceRecord,
  PendingRecord,
  InviteRecord,
  AuditInput,
  AuditRecord,
  LastSeen,
  SessionRecord,
  SessionTouch,
} from "./store/device-store.js";
export type { LimitsConfig } from "./gateway/limits.js";
export type { Timers } from "./gateway/socket.js";
export type { Logger, LogFields } from "./log/logger.js";
export type { Refusal } from "./gateway/refusals.js";
export {
  PairgateError,
  ERRORS,
  type ErrorCode,
  type DeviceView,
  type PendingView,
  type InviteView,
  type AuditEntry,
  type Role,
  type SeenFrom,
} from "../../shared/index.js";
