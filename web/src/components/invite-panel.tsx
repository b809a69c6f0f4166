// Invites: create one (link + QR shown once) and manage the list, which updates live.
import type { InviteView } from "../../../shared/protocol/views.js";
import { useCreateInvite } from "../hooks/use-invites.js";
import { Notice } from "../ui/notice.js";
import { InviteCreateForm } from "./invite-create-form.js";
import { InviteCreated } from "./invite-created.js";
import { InviteRow } from "./invite-row.js";

export function InvitePanel({ invites }: { invites: InviteView[] }) {
  const create = useCreateInvite();
  const sorted = [...invites].sort((a, b) => b.createdAtMs - a.createdAtMs);
  return (
    <div className="stack">
      <p className="muted">An invite link pairs the first browser that opens it, with the role you pick, no code needed.</p>
      <InviteCreateForm isBusy={create.status === "busy"} onCreate={({ label, ...request }) => void create.run({ ...request, ...(label ? { label } : {}) })} />
      {create.status === "done" ? <InviteCreated invite={create.data} onDone={create.reset} /> : null}
      {create.error ? (
        <Notice tone="bad" testId="invite-error">
          Could not create the invite: {create.error.message}
        </Notice>
      ) : null}
      {sorted.length > 0 ? (
        <ul className="rows" aria-label="Invites">
          {sorted.map((invite) => (
            <InviteRow key={invite.id} invite={invite} />
          ))}
        </ul>
      ) : (
        <p className="empty">No invites yet.</p>
      )}
    </div>
  );
}
