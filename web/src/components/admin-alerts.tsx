// Admin tabs hear about requests at once: a toast with the source, its network class and "Review" (the pending
// list), and a system notification when this browser allowed them. A burst of refused handshakes from one source
// is an alert. Renders nothing itself: it pushes into the tab's toast stack. Lives in the lazy admin chunk.
import { NETWORK_CLASS_LABELS } from "../../../shared/net/network-class.js";
import { formatDuration } from "../../../shared/format/time.js";
import { useEvent } from "../react/use-event.js";
import type { Toast } from "../hooks/use-toasts.js";
import { notify } from "../lib/system-notifications.js";

export function AdminAlerts({ push }: { push(toast: Toast): void }) {
  useEvent("pairing.requested", ({ request }) => {
    const from = `${request.seenFrom.address} (${NETWORK_CLASS_LABELS[request.seenFrom.networkClass]})`;
    push({
      id: `request-${request.id}`,
      tone: "info",
      testId: "toast-pairing-request",
      body: (
        <>
          New pairing request: <strong>{request.name}</strong> ({request.fingerprint}) from <span data-testid="toast-source">{from}</span>.{" "}
          <a href="#/devices" data-testid="toast-review">
            Review
          </a>
        </>
      ),
    });
    notify("New pairing request", `${request.name} (${request.fingerprint}) from ${from}`, `pairgate-request-${request.id}`);
  });
  useEvent("gateway.alert", (alert) => {
    const from = `${alert.address} (${NETWORK_CLASS_LABELS[alert.networkClass]})`;
    push({
      id: `alert-${alert.address}-${alert.atMs}`,
      tone: "warn",
      testId: "toast-refusal-burst",
      body: `Alert: ${alert.count} refused connections from ${from} within ${formatDuration(alert.windowMs)}. See the audit log.`,
    });
    notify("Refused connections", `${alert.count} from ${from}`, `pairgate-alert-${alert.address}`);
  });
  return null;
}
