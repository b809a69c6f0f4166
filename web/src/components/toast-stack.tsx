// Toasts in one polite live region: read out when they appear, never taking focus from what the person is doing.
import type { Toast } from "../hooks/use-toasts.js";

export function ToastStack({ toasts, onDismiss }: { toasts: Toast[]; onDismiss(id: string): void }) {
  return (
    <div className="toast-stack" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.tone}`} data-testid={toast.testId}>
          <div className="toast-body">{toast.body}</div>
          <button type="button" className="btn btn-ghost btn-sm" aria-label="Dismiss" onClick={() => onDismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
