// The pre-flight checks as short sentences: storage, key type, private window, persistence.
import type { KeyStorage } from "../../../shared/protocol/views.js";
import { usePreflight } from "../hooks/use-preflight.js";

const MARKS = { ok: "✓", warn: "!", info: "i" } as const;

export function PreflightNotes({ keyStorage }: { keyStorage: KeyStorage | null }) {
  const { status, data } = usePreflight(keyStorage);
  if (status === "loading") return <p className="muted">Checking this browser…</p>;
  return (
    <ul className="preflight" data-testid="preflight">
      {data.map((note) => (
        <li key={note.id} className={`preflight-note preflight-${note.tone}`} data-testid={`preflight-${note.id}`}>
          <span className="preflight-mark" aria-hidden="true">
            {MARKS[note.tone]}
          </span>
          <span>{note.text}</span>
        </li>
      ))}
    </ul>
  );
}
