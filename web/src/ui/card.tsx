// A titled surface. The title becomes the section's accessible name.
import { useId, type ReactNode } from "react";

export interface CardProps {
  title?: ReactNode;
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
  testId?: string;
}

export function Card({ title, actions, className, children, testId }: CardProps) {
  const titleId = useId();
  return (
    <section className={["card", className].filter(Boolean).join(" ")} aria-labelledby={title ? titleId : undefined} data-testid={testId}>
      {title || actions ? (
        <header className="card-header">
          {title ? <h2 id={titleId}>{title}</h2> : null}
          {actions ? <div className="card-actions">{actions}</div> : null}
        </header>
      ) : null}
      {children}
    </section>
  );
}
