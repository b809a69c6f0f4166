// Connecting: a light skeleton of the pairing card, so the code appears without a layout jump.
import { Skeleton } from "../ui/skeleton.js";

export function ConnectingPage() {
  return (
    <main data-state="connecting" className="screen screen-connecting" aria-busy="true">
      <section className="card pairing-card skeleton-card">
        <div className="pairing-main">
          <h1 className="muted">Connecting to the gateway…</h1>
          <Skeleton shape="code" />
          <Skeleton shape="line" />
          <Skeleton shape="short" />
        </div>
        <div className="pairing-side">
          <Skeleton shape="qr" />
        </div>
      </section>
    </main>
  );
}
