// A small label for a status or kind.
import type { ReactNode } from "react";

export type BadgeTone = "neutral" | "good" | "warn" | "bad" | "accent";

export function Badge({ tone = "neutral", children, testId, title }: { tone?: BadgeTone; children: ReactNode; testId?: string; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} data-testid={testId} title={title}>
      {children}
    </span>
  );
}
