// The top bar: product mark, which gateway this is, and (for admins) the page navigation.
import type { ReactNode } from "react";

export function AppHeader({ gatewayName, children }: { gatewayName?: string | undefined; children?: ReactNode }) {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">pairgate</span>
        {gatewayName ? <span className="brand-gateway">{gatewayName}</span> : null}
      </div>
      {children ? <nav aria-label="Pages" className="app-nav">{children}</nav> : null}
    </header>
  );
}
