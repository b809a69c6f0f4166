// Confirms a revoke. Revoking the browser in use asks twice: it cuts this tab off at once.
import { useState } from "react";
import type { DeviceView } from "../../../shared/protocol/views.js";
import { useRevoke } from "../hooks/use-device-actions.js";
import { Button } from "../ui/button.js";
import { Dialog } from "../ui/dialog.js";

export interface RevokeDialogProps {
  device: DeviceView;
  onClose(): void;
  /** After the gateway confirmed: how many of its open tabs were cut off. */
  onRevoked(device: DeviceView, closedConnections: number): void;
}

export function RevokeDialog({ device, onClose, onRevoked }: RevokeDialogProps) {
  const [isSecondStep, setIsSecondStep] = useState(false);
  const revoke = useRevoke();

  const onConfirm = async () => {
    if (device.current && !isSecondStep) {
      setIsSecondStep(true);
      return;
    }
    const result = await revoke.run(device.id);
    if (result) onRevoked(device, result.closedConnections);
  };

  return (
    <Dialog
      tone="danger"
      testId="confirm-dialog"
      onClose={onClose}
      title={isSecondStep ? "Really revoke the browser you are using?" : `Revoke ${device.name}?`}
      footer={
        <>
          <Button onClick={onClose} data-testid="confirm-cancel" data-autofocus>
            Cancel
          </Button>
          <Button variant="danger" onClick={() => void onConfirm()} isBusy={revoke.status === "busy"} data-testid="confirm-ok">
            {isSecondStep ? "Yes, revoke this browser" : "Revoke"}
          </Button>
        </>
      }
    >
      {isSecondStep ? (
        <p className="warn-text" data-testid="self-revoke-warning">
          This tab will be cut off immediately. Make sure another admin browser or the gateway's CLI can still manage devices.
        </p>
      ) : (
        <>
          <p>
            <strong>{device.name}</strong> (<code>{device.fingerprint}</code>) loses access at once: its open tabs are disconnected and its key never works
            again. To come back it must pair as a new device.
          </p>
          {device.current ? <p className="warn-text">This is the browser you are using now.</p> : null}
        </>
      )}
      {revoke.error ? (
        <p className="field-error" role="alert">
          {revoke.error.message}
        </p>
      ) : null}
    </Dialog>
  );
}
