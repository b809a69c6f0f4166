// Pending: this browser's code, large, with every way to approve it and what the gateway sees.
// The socket stays open; approval switches this screen to "paired" by itself.
import { compactCode, formatCode } from "../../../shared/pairing/pairing-code.js";
import type { KeyStorage } from "../../../shared/protocol/views.js";
import { CommandBlock } from "../components/command-block.js";
import { Countdown } from "../components/countdown.js";
import { PairingCode } from "../components/pairing-code.js";
import { PreflightNotes } from "../components/preflight-notes.js";
import { QrImage } from "../components/qr-image.js";
import { SeenFrom } from "../components/seen-from.js";
import { WhoamiLink } from "../components/whoami-link.js";
import { WaitingIndicator } from "../components/waiting-indicator.js";
import type { GatewayNotice, PendingState } from "../gateway/gateway-state.js";
import { Notice } from "../ui/notice.js";

export interface PairingPageProps {
  state: PendingState;
  isLive: boolean;
  keyStorage: KeyStorage | null;
  notice: GatewayNotice | null;
  hasApproveLink: boolean;
}

export function PairingPage({ state, isLive, keyStorage, notice, hasApproveLink }: PairingPageProps) {
  const { request, approveCommand, gateway } = state;
  const rawCode = compactCode(request.code);
  const approveLink = `${window.location.origin}/#approve=${rawCode}`;
  const gatewayName = gateway.name || "the gateway";
  return (
    <main data-state="pending" className="screen screen-pairing">
      {notice === "invite_invalid" ? (
        <Notice tone="warn" testId="invite-notice">
          This invite link was already used or expired; pair with a code instead.
        </Notice>
      ) : null}
      {hasApproveLink ? (
        <Notice testId="approve-link-notice">That approve link is for an admin browser. This browser is not paired yet, so it shows its own code below.</Notice>
      ) : null}
      <section className="card pairing-card" aria-labelledby="pairing-title">
        <div className="pairing-main">
          <p className="eyebrow">
            Pairing this browser with <span className="eyebrow-name">{gatewayName}</span>
          </p>
          <h1 id="pairing-title">Your pairing code</h1>
          <PairingCode code={formatCode(rawCode)} />
          <dl className="pairing-facts">
            <div>
              <dt>Fingerprint</dt>
              <dd>
                <code data-testid="fingerprint">{request.fingerprint}</code>
              </dd>
            </div>
            <div>
              <dt>Expires in</dt>
              <dd>
                <Countdown targetMs={request.expiresAtMs} testId="countdown" />
              </dd>
            </div>
          </dl>
          <WaitingIndicator isLive={isLive} />

          <h2 className="section-title">Approve it on the gateway</h2>
          <CommandBlock command={approveCommand} testId="approve-command" copyTestId="copy-approve-command" />
          <p className="hint" data-testid="admin-role-hint">
            That makes this browser a viewer. To let it manage devices too, approve it as an admin:{" "}
            <code data-testid="approve-admin-command">{adminCommand(approveCommand)}</code>
          </p>
          <p className="hint" data-testid="admin-hint">
            Or from an admin browser: <strong>Devices</strong> → type the code <strong>{formatCode(rawCode)}</strong> → Approve. Check that the fingerprint
            there reads <strong>{request.fingerprint}</strong>.
          </p>
        </div>

        <aside className="pairing-side" aria-label="Other ways to approve, and what the gateway sees">
          <figure className="qr-figure pairing-qr-figure" data-testid="pairing-qr-figure">
            <QrImage text={approveLink} alt={`QR code of the approve link for code ${formatCode(rawCode)}`} testId="pairing-qr" />
            <figcaption data-testid="pairing-qr-caption">Scan with a phone that is paired as admin: it opens Devices with this code filled in.</figcaption>
          </figure>
          <div className="side-block">
            <h2 className="side-title">What the gateway sees</h2>
            <p>
              <SeenFrom seenFrom={request.seenFrom} testId="seen-from" />
            </p>
            <p>
              <WhoamiLink />
            </p>
            {request.seenFrom.networkClass === "public" ? (
              <p className="warn-text">A public address: approve only if you expected to connect from the internet.</p>
            ) : (
              <p className="muted small">Shown so an unexpected source stands out. The address is never trusted; only your approval is.</p>
            )}
          </div>
          <div className="side-block">
            <h2 className="side-title">This browser</h2>
            <PreflightNotes keyStorage={keyStorage} />
          </div>
        </aside>
      </section>
    </main>
  );
}

/** The on-screen command with an explicit admin role: approvals default to viewer (docs/security.md). */
function adminCommand(approveCommand: string): string {
  return /\s--role\b/.test(approveCommand) ? approveCommand : `${approveCommand} --role admin`;
}
