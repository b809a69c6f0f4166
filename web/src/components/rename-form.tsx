// Inline rename: a "Rename" button that turns into a text field. Enter saves, Escape cancels.
import { useState, type FormEvent, type KeyboardEvent } from "react";
import { useRename } from "../hooks/use-device-actions.js";
import { Button } from "../ui/button.js";

export function RenameForm({ deviceId, name }: { deviceId: string; name: string }) {
  const [draft, setDraft] = useState<string | null>(null);
  const rename = useRename();

  if (draft === null) {
    return (
      <Button size="sm" variant="ghost" data-testid="rename-button" onClick={() => setDraft(name)} aria-label={`Rename ${name}`}>
        Rename
      </Button>
    );
  }

  const cancel = () => {
    setDraft(null);
    rename.reset();
  };
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = draft.trim();
    if (trimmed === "" || trimmed === name) return cancel();
    if (await rename.run(deviceId, trimmed)) setDraft(null);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") cancel();
  };

  return (
    <form className="rename-form" onSubmit={onSubmit}>
      <input
        className="input input-sm"
        data-testid="rename-input"
        aria-label="New name"
        value={draft}
        maxLength={64}
        autoFocus
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <Button size="sm" variant="primary" type="submit" isBusy={rename.status === "busy"} data-testid="rename-save">
        Save
      </Button>
      <Button size="sm" variant="ghost" onClick={cancel}>
        Cancel
      </Button>
      {rename.error ? (
        <p className="field-error" role="alert">
          {rename.error.message}
        </p>
      ) : null}
    </form>
  );
}
