// The top bar: product mark, which gateway this is, and (for admins) the page navigation.
import type { ReactNode } from "react";

export function AppHeader({ gatewayName, children }: { gatewayName?: string | undefined; children?: ReactNode }) {
  return (
    <header className="app-header">
      <div className="brand">
        <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="8" fill="#4f46e5" />
          <circle cx="12" cy="16" r="5" fill="none" stroke="#fff" strokeWidth="3" />
          <path d="M17 16h9m-3 0v4" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
        </svg>
        <span className="brand-name">pairgate</span>
        {gatewayName ? <span className="brand-gateway">{gatewayName}</span> : null}
      </div>
      {children ? (
        <nav aria-label="Pages" className="app-nav">
          {children}
        </nav>
      ) : null}
    </header>
  );
}
