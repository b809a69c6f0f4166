// A clock for countdowns and "x min ago": re-renders every `intervalMs`. UI only; never polls the gateway.
import { useEffect, useState } from "react";

export function useNow(intervalMs = 1_000): number {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNowMs(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return nowMs;
}
