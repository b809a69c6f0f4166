// The notes page: pairing until this browser is approved, then the notes; admins also get a form and the device
// list. A note added in any tab arrives in every other open tab through the "notes.added" event.
import { StrictMode, useEffect, useState, type FormEvent } from "react";
import { createRoot } from "react-dom/client";
import { createPairgateClient, DevicesPanel, PairgateProvider, RequireDevice, useCall, useDevice, useEvent } from "pairgate/react";
import "pairgate/react/styles.css";
import type { methods, Note } from "../methods.js";

const client = createPairgateClient<typeof methods>({ path: "/pg" });
// Handy in devtools; the e2e test also uses it to send a write that the page hides from viewers.
Object.assign(window, { notesClient: client });

function Notes() {
  const { sessionEpoch } = useDevice();
  const [notes, setNotes] = useState<Note[]>([]);
  const list = useCall<typeof methods, "notes.list">("notes.list");
  useEffect(() => {
    list.call({}).then(
      (r) => setNotes(r.notes),
      () => {},
    );
  }, [list.call, sessionEpoch]);
  useEvent<Note>("notes.added", (note) => setNotes((all) => (all.some((n) => n.id === note.id) ? all : [...all, note])));
  return (
    <ul data-testid="notes">
      {notes.map((n) => (
        <li key={n.id} data-testid="note">
          {n.text} <small>({n.by})</small>
        </li>
      ))}
    </ul>
  );
}

function AddNote() {
  const [text, setText] = useState("");
  const add = useCall<typeof methods, "notes.add">("notes.add");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.call({ text }).then(
      () => setText(""),
      () => {},
    );
  };
  return (
    <form onSubmit={submit}>
      <input data-testid="note-text" value={text} onChange={(e) => setText(e.target.value)} />
      <button data-testid="note-add" type="submit">
        Add
      </button>
      {add.error ? <span role="alert">{add.error.code}</span> : null}
    </form>
  );
}

function App() {
  const { device, role } = useDevice();
  return (
    <main className="pg-root" style={{ padding: "1rem" }}>
      <h1>Notes</h1>
      <RequireDevice>
        <p data-testid="whoami">
          {device?.name} ({role})
        </p>
        <Notes />
        <RequireDevice role="admin" fallback={null}>
          <AddNote />
          <DevicesPanel />
        </RequireDevice>
      </RequireDevice>
    </main>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <PairgateProvider client={client}>
      <App />
    </PairgateProvider>
  </StrictMode>,
);
