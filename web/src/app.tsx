// The dashboard shell: header and navigation, the screen for the current state, and a live region.
import { Suspense, useEffect, useState } from "react";
import { AppHeader } from "./components/app-header.js";
import { ConnectionBanner } from "./components/connection-banner.js";
import { StateAnnouncer } from "./components/state-announcer.js";
import { useAppServices } from "./hooks/app-services.js";
import { useRoute } from "./hooks/use-route.js";
import { LiveNotices, prefetchScreens } from "./lazy-screens.js";
import { usePairing } from "./react/use-connection.js";
import { Screen } from "./screen.js";

export function App() {
  const services = useAppServices();
  const { reload } = services;
  const { snapshot, retryNow, requestAgain, pairAgain } = usePairing();
  const { route } = useRoute();
  const [approveCode, setApproveCode] = useState(services.approveCode);
  const { state } = snapshot;
  const shown = state.status === "connecting" && state.resume ? state.resume : state;
  const isAdmin = shown.status === "paired" && shown.role === "admin";
  const gatewayName = shown.status === "paired" || shown.status === "pending" ? shown.gateway.name : undefined;

  const hasGatewayAnswered = shown.status === "pending" || shown.status === "paired";
  useEffect(() => {
    // Once the gateway has answered, fetch the lazy screens in the background so that approval, a revoke
    // or the Devices click shows at once.
    if (!hasGatewayAnswered) return;
    const timer = window.setTimeout(() => prefetchScreens(isAdmin), 0);
    return () => window.clearTimeout(timer);
  }, [hasGatewayAnswered, isAdmin]);

  return (
    <>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <AppHeader gatewayName={gatewayName}>
        {isAdmin ? (
          <>
            <a href="#/" className="nav-link" aria-current={route === "home" ? "page" : undefined} data-testid="nav-home">
              This device
            </a>
            <a href="#/devices" className="nav-link" aria-current={route === "devices" ? "page" : undefined} data-testid="nav-devices">
              Devices
            </a>
          </>
        ) : null}
      </AppHeader>
      {state.status === "connecting" && state.resume ? <ConnectionBanner /> : null}
      <div id="content" className="content">
        <Screen
          snapshot={snapshot}
          route={route}
          approveCode={approveCode}
          actions={{ retryNow, requestAgain, pairAgain, reload, onApproveCodeUsed: () => setApproveCode(undefined) }}
        />
      </div>
      <StateAnnouncer status={shown.status} />
      {state.status === "paired" ? (
        <Suspense fallback={null}>
          <LiveNotices isAdmin={isAdmin} />
        </Suspense>
      ) : null}
    </>
  );
}
