// Clears a confirmation ("Approved …", "Renamed …") a while after it appeared, so an old result never
// reads as the answer to the next action.
import { useEffect } from "react";

export const CONFIRMATION_MS = 8_000;

export function useClearAfter(isShown: boolean, clear: () => void, afterMs = CONFIRMATION_MS): void {
  useEffect(() => {
    if (!isShown) return;
    const timer = window.setTimeout(clear, afterMs);
    return () => window.clearTimeout(timer);
  }, [isShown, clear, afterMs]);
}
