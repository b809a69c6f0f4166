// The admin socket's wire, one JSON object per line each way, typed from one map for both ends: the shared RPC
// methods (shared/protocol/rpc.ts) plus the local-only `gateway.doctor`. The socket parses requests with the
// schemas here; the CLI's calls take their params and result types from the same map.
import { z } from "zod/mini";
import type { ErrorCode, MethodName, MethodParams, MethodResult } from "../../../shared/index.js";
import type { DoctorFacts } from "../config/doctor-facts.js";

/** Methods only the local CLI has, on top of the shared RPC map. */
export const LOCAL_METHODS = ["gateway.doctor"] as const;
export type LocalMethodName = (typeof LOCAL_METHODS)[number];
export type AdminMethodName = MethodName | LocalMethodName;
export type AdminParams<M extends AdminMethodName> = M extends MethodName ? MethodParams<M> : Record<string, never>;
export type AdminResult<M extends AdminMethodName> = M extends MethodName ? MethodResult<M> : DoctorFacts;

export function isLocalMethod(method: string): method is LocalMethodName {
  return (LOCAL_METHODS as readonly string[]).includes(method);
}

export const AdminRequestId = z.union([z.string(), z.number()]);
export type AdminRequestId = z.infer<typeof AdminRequestId> | null;

/** `{id, method, params}`; the id is read on its own first, so that a request without a method is answered by id. */
export const AdminRequest = z.object({ method: z.string(), params: z.optional(z.unknown()) });

export const AdminReply = z.union([
  z.object({ id: z.nullable(AdminRequestId), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.nullable(AdminRequestId), ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type AdminReplyBody = { ok: true; result: unknown } | { ok: false; error: { code: ErrorCode; message: string } };
export type AdminReply = { id: AdminRequestId } & AdminReplyBody;

export type ParsedAdminRequest = { ok: true; id: AdminRequestId; method: string; params: unknown } | { ok: false; id: AdminRequestId; message: string };

/** One line from the CLI. `null`, `[]`, `1` and `"x"` are JSON too, and are refused like any other shape. */
export function parseAdminRequest(line: string): ParsedAdminRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, id: null, message: "not JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, id: null, message: "a request is a JSON object {id, method, params}" };
  }
  const idParsed = AdminRequestId.safeParse((parsed as { id?: unknown }).id);
  const id = idParsed.success ? idParsed.data : null;
  const req = AdminRequest.safeParse(parsed);
  if (!req.success) return { ok: false, id, message: "method missing" };
  return { ok: true, id, method: req.data.method, params: req.data.params ?? {} };
}
