// Milliseconds left until `targetMs`, ticking each second; 0 once it has passed.
import { useNow } from "./use-now.js";

export function useCountdown(targetMs: number): { remainingMs: number; isOver: boolean } {
  const nowMs = useNow(1_000);
  const remainingMs = Math.max(0, targetMs - nowMs);
  return { remainingMs, isOver: remainingMs === 0 };
}
