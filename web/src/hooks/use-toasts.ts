// A short stack of toasts: newest last, at most MAX_TOASTS, each dismissed by hand or after TOAST_MS.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";

export interface Toast {
  id: string;
  tone: "info" | "warn";
  body: ReactNode;
  testId: string;
}

const MAX_TOASTS = 4;
const TOAST_MS = 20_000;

export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const timers = useRef(new Map<string, number>());
  const dismiss = useCallback((id: string) => {
    window.clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);
  const push = useCallback(
    (toast: Toast) => {
      setToasts((list) => [...list.filter((t) => t.id !== toast.id), toast].slice(-MAX_TOASTS));
      window.clearTimeout(timers.current.get(toast.id));
      timers.current.set(
        toast.id,
        window.setTimeout(() => dismiss(toast.id), TOAST_MS),
      );
    },
    [dismiss],
  );
  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((t) => window.clearTimeout(t));
  }, []);
  return { toasts, push, dismiss };
}
