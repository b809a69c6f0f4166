// A new invite, shown once: the link as text and as a QR code. Dismissing it drops the token from memory.
import type { InviteCreated as InviteCreatedView } from "../../../shared/protocol/rpc.js";
import { formatTime } from "../../../shared/format/time.js";
import { Button } from "../ui/button.js";
import { CopyButton } from "../ui/copy-button.js";
import { QrImage } from "./qr-image.js";

export function InviteCreated({ invite, onDone }: { invite: InviteCreatedView; onDone(): void }) {
  return (
    <div className="invite-created" role="status" data-testid="invite-created">
      <div className="invite-created-text">
        <p className="notice-title">Invite link, shown only this once</p>
        <p className="muted small">Send it over a channel you trust. The first browser to open it is paired; it expires {formatTime(invite.expiresAtMs)}.</p>
        <div className="command-block">
          <code className="invite-link" data-testid="invite-link" title={invite.url}>
            {invite.url}
          </code>
          <CopyButton text={invite.url} label="Copy link" testId="copy-invite-link" />
        </div>
        <Button size="sm" onClick={onDone} data-testid="invite-done">
          Done, hide the link
        </Button>
      </div>
      <QrImage text={invite.url} alt="QR code of the invite link" testId="invite-qr" sizePx={176} />
    </div>
  );
}
