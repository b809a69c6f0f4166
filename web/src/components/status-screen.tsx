// The layout every non-happy state shares: what happened, what to do next, and the technical detail.
import type { ReactNode } from "react";
import type { ConnectionStatus } from "../gateway/gateway-state.js";

export type StatusTone = "info" | "warn" | "bad" | "wait";

const ICONS: Record<StatusTone, string> = { info: "i", warn: "!", bad: "×", wait: "↻" };

export interface StatusScreenProps {
  state: ConnectionStatus;
  tone: StatusTone;
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  detail?: ReactNode;
}

export function StatusScreen({ state, tone, title, children, actions, detail }: StatusScreenProps) {
  return (
    <main data-state={state} className="screen screen-status">
      <section className="card status-card" aria-labelledby="status-title">
        <div className={`status-icon status-icon-${tone}`} aria-hidden="true">
          {ICONS[tone]}
        </div>
        <h1 id="status-title">{title}</h1>
        <div className="status-body">{children}</div>
        {actions ? <div className="status-actions">{actions}</div> : null}
        {detail}
      </section>
    </main>
  );
}
