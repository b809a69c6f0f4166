// "9:41" until a moment, ticking each second.
import { useCountdown } from "../hooks/use-countdown.js";
import { formatCountdown } from "../lib/format.js";

export function Countdown({ targetMs, testId, overText = "0:00" }: { targetMs: number; testId?: string; overText?: string }) {
  const { remainingMs, isOver } = useCountdown(targetMs);
  return (
    <time className="countdown" dateTime={new Date(targetMs).toISOString()} data-testid={testId}>
      {isOver ? overText : formatCountdown(remainingMs)}
    </time>
  );
}
