// If a lazily loaded screen can't be fetched (gateway down, or upgraded so old chunks are gone), say so
// and offer a reload instead of a blank page.
import { Component, type ReactNode } from "react";
import { ErrorCode } from "./error-code.js";
import { StatusScreen } from "./status-screen.js";

interface Props {
  children: ReactNode;
  onReload(): void;
}

export class ChunkErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <StatusScreen
        state="failed"
        tone="warn"
        title="This part of the dashboard could not load"
        actions={
          <button type="button" className="btn btn-primary btn-md" onClick={this.props.onReload} data-testid="reload">
            Reload to update the dashboard
          </button>
        }
        detail={<ErrorCode code="chunk_load_failed" />}
      >
        <p>The gateway may have been updated or stopped since this page was opened. Reloading fetches the current dashboard.</p>
      </StatusScreen>
    );
  }
}
