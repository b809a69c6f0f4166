// One polite live region that says what changed when the screen changes (approved, removed, …).
import type { ConnectionStatus } from "../gateway/gateway-state.js";
import { assertNever } from "../lib/assert-never.js";

function announcementFor(status: ConnectionStatus): string {
  switch (status) {
    case "connecting":
      return "Connecting to the gateway.";
    case "unreachable":
      return "The gateway is unreachable. Retrying.";
    case "pending":
      return "Pairing code ready. Waiting for approval.";
    case "paired":
      return "Paired.";
    case "rejected":
      return "The pairing request was rejected.";
    case "expired":
      return "The pairing code expired.";
    case "revoked":
      return "This browser was removed from the gateway.";
    case "protocol_mismatch":
      return "This dashboard needs an update. Reload the page.";
    case "auth_failed":
      return "The gateway could not verify this browser's key.";
    case "rate_limited":
      return "Too many attempts. Waiting before trying again.";
    case "key_unreadable":
      return "This browser's stored key can't be read.";
    case "storage_unavailable":
      return "This browser can't store a key here.";
    case "failed":
      return "Something went wrong talking to the gateway.";
    default:
      return assertNever(status);
  }
}

export function StateAnnouncer({ status }: { status: ConnectionStatus }) {
  return (
    <div className="sr-only" aria-live="polite" role="status">
      {announcementFor(status)}
    </div>
  );
}
