// Picks the screen for the connection state: one screen per state (docs/design.md#dashboard), checked exhaustively.
import { Suspense } from "react";
import { ChunkErrorBoundary } from "./components/chunk-error-boundary.js";
import type { GatewaySnapshot } from "./gateway/gateway-state.js";
import type { Route } from "./hooks/use-route.js";
import { assertNever } from "./lib/assert-never.js";
import { AuthFailedPage, DevicesPage, ExpiredPage, FailedPage, PairedHomePage, RateLimitedPage, RejectedPage, RevokedPage } from "./lazy-screens.js";
import { ConnectingPage } from "./pages/connecting-page.js";
import { KeyUnreadablePage } from "./pages/key-unreadable-page.js";
import { PairingPage } from "./pages/pairing-page.js";
import { ProtocolMismatchPage } from "./pages/protocol-mismatch-page.js";
import { StorageUnavailablePage } from "./pages/storage-unavailable-page.js";
import { UnreachablePage } from "./pages/unreachable-page.js";
import { Skeleton } from "./ui/skeleton.js";

export interface ScreenActions {
  retryNow(): void;
  requestAgain(): void;
  pairAgain(): void;
  reload(): void;
  onApproveCodeUsed(): void;
}

export interface ScreenProps {
  snapshot: GatewaySnapshot;
  route: Route;
  approveCode: string | undefined;
  actions: ScreenActions;
}

export function Screen(props: ScreenProps) {
  return (
    <ChunkErrorBoundary onReload={props.actions.reload}>
      <Suspense fallback={<LoadingScreen snapshot={props.snapshot} />}>
        <ScreenForState {...props} />
      </Suspense>
    </ChunkErrorBoundary>
  );
}

function ScreenForState({ snapshot, route, approveCode, actions }: ScreenProps) {
  const { state, lastCloseCode } = snapshot;
  // While a dropped pending/paired socket reconnects, keep its screen up instead of flashing a spinner.
  const shown = state.status === "connecting" && state.resume ? state.resume : state;
  const isLive = state.status !== "connecting";
  switch (shown.status) {
    case "connecting":
      return <ConnectingPage />;
    case "pending":
      return (
        <PairingPage
          state={shown}
          isLive={isLive}
          keyStorage={snapshot.key?.keyStorage ?? null}
          notice={snapshot.notice}
          hasApproveLink={approveCode !== undefined}
        />
      );
    case "paired":
      if (route === "devices" && shown.role === "admin") {
        return <DevicesPage sessionEpoch={snapshot.sessionEpoch} approveCode={approveCode} onApproveCodeUsed={actions.onApproveCodeUsed} />;
      }
      return (
        <PairedHomePage
          state={shown}
          sessionEpoch={snapshot.sessionEpoch}
          hasApproveLink={approveCode !== undefined}
          isDevicesRouteRefused={route === "devices"}
        />
      );
    case "unreachable":
      return (
        <UnreachablePage attempt={shown.attempt} retryAtMs={shown.retryAtMs} reason={shown.reason} closeCode={lastCloseCode} onRetryNow={actions.retryNow} />
      );
    case "rejected":
      return <RejectedPage closeCode={lastCloseCode} onRequestAgain={actions.requestAgain} />;
    case "expired":
      return <ExpiredPage closeCode={lastCloseCode} onRequestAgain={actions.requestAgain} />;
    case "revoked":
      return <RevokedPage byName={shown.byName} atMs={shown.atMs} reason={shown.reason} closeCode={lastCloseCode} onPairAgain={actions.pairAgain} />;
    case "protocol_mismatch":
      return <ProtocolMismatchPage detail={shown.detail} closeCode={lastCloseCode} onReload={actions.reload} />;
    case "auth_failed":
      return <AuthFailedPage clockSkewMs={shown.clockSkewMs} closeCode={lastCloseCode} onRetryNow={actions.retryNow} />;
    case "rate_limited":
      return <RateLimitedPage code={shown.code} retryAtMs={shown.retryAtMs} closeCode={lastCloseCode} />;
    case "key_unreadable":
      return <KeyUnreadablePage reason={shown.reason} onPairAgain={actions.pairAgain} />;
    case "storage_unavailable":
      return <StorageUnavailablePage reason={shown.reason} onRetryNow={actions.retryNow} />;
    case "failed":
      return <FailedPage code={shown.code} message={shown.message} closeCode={lastCloseCode} onReload={actions.reload} />;
    default:
      return assertNever(shown);
  }
}

function LoadingScreen({ snapshot: { state } }: { snapshot: GatewaySnapshot }) {
  const status = state.status === "connecting" && state.resume ? state.resume.status : state.status;
  return (
    <main data-state={status} className="screen" aria-busy="true">
      <Skeleton shape="title" />
      <Skeleton shape="line" />
      <Skeleton shape="short" />
    </main>
  );
}
