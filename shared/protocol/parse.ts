// The one way either edge turns wire text into a typed frame. No `as Frame` after JSON.parse anywhere.
import type { z } from "zod/mini";
import { ClientFrame, ServerFrame } from "./frames.js";
import { MAX_FRAME_BYTES, MAX_SERVER_FRAME_BYTES } from "./version.js";

export type ParseResult<T> = { ok: true; frame: T } | { ok: false; reason: string };

function parseWith<T>(schema: z.ZodMiniType<T>, text: string, maxLength: number): ParseResult<T> {
  if (text.length > maxLength) return { ok: false, reason: "frame too large" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  const parsed = schema.safeParse(value);
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
