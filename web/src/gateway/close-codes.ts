// WebSocket close code → the refusal it stands for, for when the error frame before it was lost.
// 4429 is shared by rate_limited and pending_limit; both mean "wait", so it maps to rate_limited.
import { ERRORS, type ErrorCode } from "../../../shared/protocol/errors.js";

const BY_CLOSE_CODE: ReadonlyMap<number, ErrorCode> = new Map(
  (Object.entries(ERRORS) as Array<[ErrorCode, (typeof ERRORS)[ErrorCode]]>)
    .filter(([code, { close }]) => close !== null && close >= 4000 && code !== "pending_limit")
    .map(([code, { close }]) => [close as number, code]),
);

export function errorCodeForClose(closeCode: number): ErrorCode | null {
  return BY_CLOSE_CODE.get(closeCode) ?? null;
}
