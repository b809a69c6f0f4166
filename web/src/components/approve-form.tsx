// Approve by code: the admin types (or an #approve= link pre-fills) the code shown on the other browser.
// Nothing is approved until Approve is pressed. The role starts at viewer and goes back to viewer after each
// approval, so admin is always a choice made for that one browser.
import { useState, type FormEvent } from "react";
import { formatTime } from "../../../shared/format/time.js";
import { formatCode, normalizeCode } from "../../../shared/pairing/pairing-code.js";
import type { PendingView, Role } from "../../../shared/protocol/views.js";
import { useClearAfter } from "../hooks/use-clear-after.js";
import { useApprove } from "../hooks/use-device-actions.js";
import { ROLE_LABELS } from "../lib/labels.js";
import { Button } from "../ui/button.js";
import { Field } from "../ui/field.js";
import { Notice } from "../ui/notice.js";
import { ExpiryField, readExpiry } from "./expiry-field.js";
import { RoleSelect } from "./role-select.js";

export interface ApproveFormProps {
  initialCode: string | undefined;
  replaces: NonNullable<PendingView["replaces"]> | null;
  onApproved(): void;
}

export function ApproveForm({ initialCode, replaces, onApproved }: ApproveFormProps) {
  const [code, setCode] = useState(() => {
    const normalized = initialCode ? normalizeCode(initialCode) : null;
    return normalized ? formatCode(normalized) : (initialCode ?? "");
  });
  const [role, setRole] = useState<Role>("viewer");
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [formatError, setFormatError] = useState<string | null>(null);
  const [expiryError, setExpiryError] = useState<string | null>(null);
  const approve = useApprove();
  useClearAfter(approve.status === "done", approve.reset);

  const onCodeChange = (value: string) => {
    setCode(value.toUpperCase());
    // A new code is a new approval: the previous "Approved …" or error no longer answers it.
    if (approve.status === "done" || approve.status === "error") approve.reset();
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const normalized = normalizeCode(code);
    if (!normalized) {
      setFormatError("A code is 8 letters, like BCDF-GHJK.");
      return;
    }
    setFormatError(null);
    const expiry = readExpiry(expires);
    setExpiryError(expiry.ok ? null : expiry.problem);
    if (!expiry.ok) return;
    const trimmedName = name.trim();
    const device = await approve.run({
      code: normalized,
      role,
      ...(trimmedName ? { name: trimmedName } : {}),
      ...(replaces ? { replacesDeviceId: replaces.deviceId } : {}),
      ...(expiry.ms !== undefined ? { expiresInMs: expiry.ms } : {}),
    });
    if (device) {
      setCode("");
      setName("");
      setExpires("");
      setRole("viewer");
      onApproved();
    }
  };

  const serverError =
    approve.error?.code === "not_found"
      ? "No waiting request has that code. Check it on the other browser: codes expire after 10 minutes."
      : (approve.error?.message ?? null);

  return (
    <form className="approve-form" onSubmit={onSubmit} aria-label="Approve a browser by its code">
      <div className="approve-fields">
        <Field
          label="Code on the new browser"
          className="approve-code-field"
          error={formatError}
          hint={initialCode ? "Filled in from an approve link. Compare it with the code on the other browser before approving." : undefined}
        >
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              className="input input-code"
              data-testid="approve-code-input"
              value={code}
              onChange={(event) => onCodeChange(event.target.value)}
              placeholder="BCDF-GHJK"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={16}
              aria-describedby={describedBy}
              aria-invalid={isInvalid || undefined}
            />
          )}
        </Field>
        <Field label="Name (optional)" className="approve-name-field">
          {({ id }) => (
            <input
              id={id}
              className="input"
              data-testid="approve-name-input"
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder={replaces ? `Keeps “${replaces.name}”` : "The browser's own name"}
              autoComplete="off"
              maxLength={64}
            />
          )}
        </Field>
        <RoleSelect value={role} onChange={setRole} testId="approve-role" label="Role for the new browser" />
        <ExpiryField label="Expires after (optional)" value={expires} onChange={setExpires} error={expiryError} testId="approve-expires" />
        <Button variant="primary" type="submit" className="approve-submit" isBusy={approve.status === "busy"} data-testid="approve-submit">
          Approve
        </Button>
      </div>
      {replaces ? (
        <p className="hint" data-testid="approve-replaces">
          Also replaces <strong>{replaces.name}</strong> ({replaces.fingerprint}): its name carries over and its old key is revoked.
        </p>
      ) : null}
      {approve.status === "done" ? (
        <Notice tone="good" testId="approve-result">
          Approved <strong>{approve.data.name}</strong> ({approve.data.fingerprint}) as {ROLE_LABELS[approve.data.role].toLowerCase()}
          {approve.data.expiresAtMs !== null ? ` until ${formatTime(approve.data.expiresAtMs)}` : ""}. That browser is paired now.
        </Notice>
      ) : null}
      {serverError ? (
        <Notice tone="bad" testId="approve-error">
          {serverError}
        </Notice>
      ) : null}
    </form>
  );
}
