// "Expires after": an optional lifetime for a guest device, typed as the CLI takes it (2h, 1d, 4w). Empty means no
// end time. Parsed with the same shared parser as `--expires`, so the dashboard and the CLI accept the same text.
import { parseDeviceExpiry } from "../../../shared/format/duration.js";
import { Field } from "../ui/field.js";

/** The field's text → ms (undefined when empty), or the problem to show. */
export function readExpiry(text: string): { ok: true; ms: number | undefined } | { ok: false; problem: string } {
  if (text.trim() === "") return { ok: true, ms: undefined };
  const parsed = parseDeviceExpiry(text);
  return parsed.ok ? parsed : { ok: false, problem: `Expires after: ${parsed.problem}.` };
}

export interface ExpiryFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  error: string | null;
  testId: string;
}

export function ExpiryField({ label, value, onChange, error, testId }: ExpiryFieldProps) {
  return (
    <Field label={label} className="expiry-field" error={error}>
      {({ id, describedBy, isInvalid }) => (
        <input
          id={id}
          className="input"
          data-testid={testId}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          placeholder="never, or 2h, 1d, 4w"
          autoComplete="off"
          spellCheck={false}
          maxLength={16}
          aria-describedby={describedBy}
          aria-invalid={isInvalid || undefined}
        />
      )}
    </Field>
  );
}
