// Create an invite: role (viewer unless chosen for this invite), lifetime and an optional label for the list.
import { useState, type FormEvent } from "react";
import type { Role } from "../../../shared/protocol/views.js";
import { Button } from "../ui/button.js";
import { Field } from "../ui/field.js";
import { ExpiryField, readExpiry } from "./expiry-field.js";
import { RoleSelect } from "./role-select.js";

const TTL_CHOICES = [
  { ms: 15 * 60_000, label: "15 minutes" },
  { ms: 60 * 60_000, label: "1 hour" },
  { ms: 24 * 3600_000, label: "24 hours" },
  { ms: 7 * 24 * 3600_000, label: "7 days" },
] as const;

export interface InviteRequest {
  role: Role;
  ttlMs: number;
  label: string;
  /** A guest invite: the device it pairs lives this long. */
  deviceExpiresInMs?: number;
}

export function InviteCreateForm({ isBusy, onCreate }: { isBusy: boolean; onCreate(request: InviteRequest): void }) {
  const [role, setRole] = useState<Role>("viewer");
  const [ttlMs, setTtlMs] = useState<number>(TTL_CHOICES[0].ms);
  const [label, setLabel] = useState("");
  const [deviceExpires, setDeviceExpires] = useState("");
  const [expiryError, setExpiryError] = useState<string | null>(null);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const expiry = readExpiry(deviceExpires);
    setExpiryError(expiry.ok ? null : expiry.problem);
    if (!expiry.ok) return;
    onCreate({ role, ttlMs, label: label.trim(), ...(expiry.ms !== undefined ? { deviceExpiresInMs: expiry.ms } : {}) });
    setLabel("");
    setDeviceExpires("");
    // Like the approve form: each invite's role is chosen for that invite, never carried over.
    setRole("viewer");
  };
  return (
    <form className="invite-form" onSubmit={onSubmit} aria-label="Create an invite link">
      <RoleSelect value={role} onChange={setRole} testId="invite-role" />
      <Field label="Valid for">
        {({ id }) => (
          <select id={id} className="input" data-testid="invite-ttl" value={ttlMs} onChange={(event) => setTtlMs(Number(event.target.value))}>
            {TTL_CHOICES.map((choice) => (
              <option key={choice.ms} value={choice.ms}>
                {choice.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Label (optional)">
        {({ id }) => (
          <input
            id={id}
            className="input"
            data-testid="invite-label"
            value={label}
            maxLength={64}
            placeholder="e.g. Sam's laptop"
            onChange={(event) => setLabel(event.target.value)}
          />
        )}
      </Field>
      <ExpiryField
        label="Device expires after (optional)"
        value={deviceExpires}
        onChange={setDeviceExpires}
        error={expiryError}
        testId="invite-device-expires"
      />
      <Button variant="primary" type="submit" isBusy={isBusy} data-testid="invite-create">
        Create invite link
      </Button>
    </form>
  );
}
