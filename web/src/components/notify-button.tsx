// Turns on system notifications for new requests: the browser asks only after this button is pressed.
import { useState } from "react";
import { askToNotify, notifyState } from "../lib/system-notifications.js";
import { Button } from "../ui/button.js";

export function NotifyButton() {
  const [state, setState] = useState(notifyState);
  if (state === "unsupported") return null;
  if (state === "granted") {
    return (
      <p className="hint" data-testid="notify-on">
        System notifications are on for new requests in this browser.
      </p>
    );
  }
  if (state === "denied") {
    return (
      <p className="hint" data-testid="notify-denied">
        This browser blocks notifications from this site; allow them in the site settings to be told about new requests.
      </p>
    );
  }
  return (
    <Button variant="secondary" size="sm" data-testid="notify-enable" onClick={() => void askToNotify().then(setState)}>
      Turn on system notifications for new requests
    </Button>
  );
}
