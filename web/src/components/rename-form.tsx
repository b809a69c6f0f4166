// Inline rename: a "Rename" button that turns into a text field. Enter saves, Escape cancels. A saved name is
// confirmed next to the button for a few seconds; an empty one is refused with the reason, and the form stays.
import { useState, type FormEvent, type KeyboardEvent } from "react";
import { useClearAfter } from "../hooks/use-clear-after.js";
import { useRename } from "../hooks/use-device-actions.js";
import { Button } from "../ui/button.js";

export function RenameForm({ deviceId, name }: { deviceId: string; name: string }) {
  const [draft, setDraft] = useState<string | null>(null);
  const [draftError, setDraftError] = useState<string | null>(null);
  const rename = useRename();
  useClearAfter(rename.status === "done", rename.reset);

  if (draft === null) {
    return (
      <span className="rename">
        <Button size="sm" variant="ghost" data-testid="rename-button" onClick={() => setDraft(name)} aria-label={`Rename ${name}`}>
          Rename
        </Button>
        {rename.status === "done" ? (
          <span className="rename-done" role="status" data-testid="rename-done">
            ✓ Renamed to “{rename.data.name}”
          </span>
        ) : null}
      </span>
    );
  }

  const close = () => {
    setDraft(null);
    setDraftError(null);
  };
  const cancel = () => {
    close();
    rename.reset();
  };
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = draft.trim();
    if (trimmed === "") {
      setDraftError(`A name can't be empty, so “${name}” was kept. Type a name, or press Escape to cancel.`);
      return;
    }
    if (trimmed === name) return cancel();
    setDraftError(null);
    if (await rename.run(deviceId, trimmed)) close();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") cancel();
  };
  const error = draftError ?? rename.error?.message ?? null;

  return (
    <form className="rename-form" onSubmit={onSubmit}>
      <input
        className="input input-sm"
        data-testid="rename-input"
        aria-label="New name"
        aria-invalid={error ? true : undefined}
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
      {error ? (
        <p className="field-error" role="alert" data-testid="rename-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
