// Shown over a pending or paired screen while its dropped socket reconnects (the screen stays usable to read).
export function ConnectionBanner() {
  return (
    <div className="connection-banner" role="status" data-testid="reconnecting">
      <span className="pulse-dot pulse-dot-warn" aria-hidden="true" />
      Connection lost, reconnecting…
    </div>
  );
}
