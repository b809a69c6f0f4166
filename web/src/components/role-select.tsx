// The role picker. Dashboard approvals and invites start at "viewer", chosen on screen, never implied
// (docs/design.md#pairing).
import type { Role } from "../../../shared/protocol/views.js";
import { Field } from "../ui/field.js";

export function RoleSelect({ value, onChange, testId, label = "Role" }: { value: Role; onChange(role: Role): void; testId: string; label?: string }) {
  return (
    <Field label={label}>
      {({ id, describedBy }) => (
        <select
          id={id}
          aria-describedby={describedBy}
          className="input"
          data-testid={testId}
          value={value}
          onChange={(event) => onChange(event.target.value === "admin" ? "admin" : "viewer")}
        >
          <option value="viewer">Viewer: sees the gateway and itself</option>
          <option value="admin">Admin: manages devices and invites</option>
        </select>
      )}
    </Field>
  );
}
