// Paired: this device and the gateway. Viewers see only this; admins also get the Devices page.
import { GatewayStatusCard } from "../components/gateway-status-card.js";
import { RecentPairings } from "../components/recent-pairings.js";
import { ThisDeviceCard } from "../components/this-device-card.js";
import type { PairedState } from "../gateway/gateway-state.js";
import { usePreflight } from "../hooks/use-preflight.js";
import { ROLE_LABELS } from "../lib/labels.js";
import { Notice } from "../ui/notice.js";

export interface PairedHomePageProps {
  state: PairedState;
  sessionEpoch: number;
  hasApproveLink: boolean;
  /** The address asked for #/devices, which this (viewer) browser may not open. */
  isDevicesRouteRefused: boolean;
}

export function PairedHomePage({ state, sessionEpoch, hasApproveLink, isDevicesRouteRefused }: PairedHomePageProps) {
  const { device, role, gateway } = state;
  const privateWindowNote = usePreflight(device.keyStorage).data.find((note) => note.id === "private");
  return (
    <main data-state="paired" data-page="home" className="screen screen-home">
      <header className="page-head">
        <p className="eyebrow">
          <span className="pulse-dot pulse-dot-good" aria-hidden="true" /> Connected
        </p>
        <h1>Paired</h1>
        <p className="lead">
          This browser is paired with <strong>{gateway.name || "the gateway"}</strong> as {role === "admin" ? "an" : "a"}{" "}
          <strong>{ROLE_LABELS[role].toLowerCase()}</strong>. It proves its key on every connection; there is no password to leak.
        </p>
      </header>
      {hasApproveLink && role !== "admin" ? (
        <Notice tone="warn" testId="approve-link-notice">
          That approve link needs an admin browser. This one is a viewer, so it can't approve other browsers.
        </Notice>
      ) : null}
      {isDevicesRouteRefused && role !== "admin" ? (
        <Notice tone="warn" testId="devices-needs-admin">
          The Devices page needs an admin browser. This one is paired as a viewer: it sees the gateway and itself. An admin can manage devices from their own
          browser or the gateway's CLI.
        </Notice>
      ) : null}
      {privateWindowNote ? <Notice testId="private-window-notice">{privateWindowNote.text}</Notice> : null}
      <div className="grid-2">
        <ThisDeviceCard device={device} role={role} />
        <GatewayStatusCard sessionEpoch={sessionEpoch} />
      </div>
      <RecentPairings sessionEpoch={sessionEpoch} />
      {role === "admin" ? (
        <p className="next-step">
          <a className="btn btn-secondary btn-md" href="#/devices" data-testid="manage-devices">
            Manage devices, invites and the audit log →
          </a>
        </p>
      ) : null}
    </main>
  );
}
