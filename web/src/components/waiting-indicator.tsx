// The live "waiting for approval" line: the socket is open and approval arrives as a push.
export function WaitingIndicator({ isLive }: { isLive: boolean }) {
  return (
    <p className="waiting" data-testid="waiting-indicator" data-live={isLive}>
      <span className={`pulse-dot ${isLive ? "" : "pulse-dot-warn"}`} aria-hidden="true" />
      {isLive ? "Waiting for approval. This page continues by itself, no reload needed." : "Reconnecting to the gateway; the code stays valid."}
    </p>
  );
}
