// An inline message box. Warnings are announced (role="alert"); information is polite (role="status").
import type { ReactNode } from "react";

export function Notice({
  tone = "info",
  title,
  children,
  testId,
}: {
  tone?: "info" | "warn" | "good" | "bad";
  title?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className={`notice notice-${tone}`} role={tone === "warn" || tone === "bad" ? "alert" : "status"} data-testid={testId}>
      {title ? <p className="notice-title">{title}</p> : null}
      <div className="notice-body">{children}</div>
    </div>
  );
}
