// Notices every paired tab shows as things happen: "New browser paired: NAME, by WHO via cli", so that a pairing
// nobody expected is noticed (as every linked device hears in Signal). Admin tabs also get request and refusal
// alerts, from the lazily loaded admin chunk.
import { Suspense } from "react";
import { APPROVED_VIA_LABELS } from "../lib/labels.js";
import { useEvent } from "../react/use-event.js";
import { useToasts } from "../hooks/use-toasts.js";
import { AdminAlerts } from "../lazy-screens.js";
import { ToastStack } from "./toast-stack.js";

export function LiveNotices({ isAdmin }: { isAdmin: boolean }) {
  const { toasts, push, dismiss } = useToasts();
  useEvent("devices.paired", ({ device }) =>
    push({
      id: `paired-${device.id}`,
      tone: "info",
      testId: "toast-new-device",
      body: (
        <>
          New browser paired: <strong>{device.name}</strong> ({device.fingerprint}), by {device.approvedBy} via {APPROVED_VIA_LABELS[device.approvedVia]}
        </>
      ),
    }),
  );
  return (
    <>
      {isAdmin ? (
        <Suspense fallback={null}>
          <AdminAlerts push={push} />
        </Suspense>
      ) : null}
      <ToastStack toasts={toasts} onDismiss={dismiss} />
    </>
  );
}
