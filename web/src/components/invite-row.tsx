// One invite in the list: label, role, status and lifetime; active ones can be revoked.
import type { InviteView } from "../../../shared/protocol/views.js";
import { useRevokeInvite } from "../hooks/use-invites.js";
import { formatTime } from "../../../shared/format/time.js";
import { ROLE_LABELS } from "../lib/labels.js";
import { Badge, type BadgeTone } from "../ui/badge.js";
import { Button } from "../ui/button.js";

const STATUS_TONES: Record<InviteView["status"], BadgeTone> = { active: "good", used: "neutral", expired: "neutral", revoked: "bad" };

export function InviteRow({ invite }: { invite: InviteView }) {
  const revoke = useRevokeInvite();
  return (
    <li className="row invite-row" data-testid="invite-row" data-invite-id={invite.id} data-status={invite.status}>
      <div className="row-main">
        <p className="row-title">
          <span>{invite.label || "Invite"}</span>
          <Badge tone={invite.role === "admin" ? "accent" : "neutral"}>{ROLE_LABELS[invite.role]}</Badge>
          <Badge tone={STATUS_TONES[invite.status]} testId="invite-status">
            {invite.status}
          </Badge>
        </p>
        <p className="row-meta muted">
          Created by {invite.createdBy || "unknown"} {formatTime(invite.createdAtMs)}
          {invite.status === "used" && invite.usedAtMs !== null ? `, used ${formatTime(invite.usedAtMs)}` : `, expires ${formatTime(invite.expiresAtMs)}`}
        </p>
        {revoke.error ? (
          <p className="field-error" role="alert">
            {revoke.error.message}
          </p>
        ) : null}
      </div>
      {invite.status === "active" ? (
        <div className="row-actions">
          <Button size="sm" variant="ghost" data-testid="invite-revoke" isBusy={revoke.status === "busy"} onClick={() => void revoke.run(invite.id)}>
            Revoke
          </Button>
        </div>
      ) : null}
    </li>
  );
}
