// What the gateway sees: the source address and its network class. Shown so an unexpected public
// request stands out; the address never grants trust (docs/design.md#http-and-trust).
import { NETWORK_CLASS_LABELS } from "../../../shared/net/network-class.js";
import type { SeenFrom as SeenFromView } from "../../../shared/protocol/views.js";

export function SeenFrom({ seenFrom, testId }: { seenFrom: SeenFromView; testId?: string }) {
  return (
    <span className={`seen-from seen-from-${seenFrom.networkClass}`} data-testid={testId}>
      <span className="seen-from-address">{seenFrom.address}</span>
      <span className="seen-from-separator" aria-hidden="true">
        {" · "}
      </span>
      <span className="seen-from-class">{NETWORK_CLASS_LABELS[seenFrom.networkClass]}</span>
    </span>
  );
}
