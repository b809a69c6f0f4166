// The one way either edge turns wire text into a typed frame. No `as Frame` after JSON.parse anywhere.
import type { z } from "zod/mini";
import { ClientFrame, ServerFrame } from "./frames.js";
import { type ParseResult, readFrameJson } from "./parser-runtime.js";
import { MAX_FRAME_BYTES, MAX_SERVER_FRAME_BYTES } from "./version.js";

export type { ParseResult };

function parseWith<T>(schema: z.ZodMiniType<T>, text: string, maxLength: number): ParseResult<T> {
  const json = readFrameJson(text, maxLength);
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: issue ? `${issue.path.join(".") || "frame"}: ${issue.message}` : "invalid frame" };
  }
  return { ok: true, frame: parsed.data };
}

export function parseClientFrame(text: string): ParseResult<ClientFrame> {
  return parseWith(ClientFrame, text, MAX_FRAME_BYTES);
}

export function parseServerFrame(text: string): ParseResult<ServerFrame> {
  return parseWith(ServerFrame, text, MAX_SERVER_FRAME_BYTES);
}
