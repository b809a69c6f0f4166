// A page built only from pairgate/react's public entry (built into dist/lib, as an app installs it), for
// test/e2e/react-admin.test.ts: <ApproveCode/>, useDevices with a search and small pages, and usePendingApprovals,
// each showing exactly what the hook returns so the test reads it off the page.
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { ApproveCode, PairgateProvider, RequireDevice, useDevice, useDevices, usePendingApprovals } from "pairgate/react";
import "pairgate/react/styles.css";

function DevicesProbe() {
  const [query, setQuery] = useState("");
  const devices = useDevices({ query, pageSize: 2 });
  return (
    <section data-testid="devices" data-status={devices.status}>
      <input data-testid="query" value={query} onChange={(e) => setQuery(e.target.value)} />
      <p data-testid="total">{devices.total}</p>
      <ul>
        {devices.devices.map((d) => (
          <li key={d.id} data-testid="device-name">
            {d.name}
          </li>
        ))}
      </ul>
      {devices.hasMore ? (
        <button type="button" data-testid="more" onClick={devices.loadMore}>
          more
        </button>
      ) : null}
      <p data-testid="devices-error">{devices.error?.code ?? ""}</p>
    </section>
  );
}

function PendingProbe() {
  const approvals = usePendingApprovals();
  const [outcome, setOutcome] = useState("");
  return (
    <section data-testid="pending">
      <ul>
        {approvals.pending.map((request) => (
          <li key={request.id} data-testid="pending-row" data-fingerprint={request.fingerprint}>
            {request.name}
            <button
              type="button"
              data-testid="reject"
              onClick={() =>
                approvals.reject(request.id).then(
                  () => setOutcome("rejected"),
                  (e: { code: string }) => setOutcome(e.code),
                )
              }
            >
              reject
            </button>
          </li>
        ))}
      </ul>
      <p data-testid="reject-outcome">{outcome}</p>
      <p data-testid="pending-error">{approvals.error?.code ?? ""}</p>
    </section>
  );
}

function App() {
  const { role } = useDevice();
  const [approved, setApproved] = useState("");
  return (
    <RequireDevice>
      <p data-testid="role">{role}</p>
      <ApproveCode onApproved={setApproved} />
      <p data-testid="approved-callback">{approved}</p>
      <DevicesProbe />
      <PendingProbe />
    </RequireDevice>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <PairgateProvider options={{ path: "/pg" }}>
      <App />
    </PairgateProvider>
  </StrictMode>,
);
