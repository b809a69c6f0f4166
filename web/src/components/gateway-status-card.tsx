// The gateway as this session sees it (gateway.status): name, version, uptime, counts, our source address.
import { useGatewayStatus } from "../hooks/use-gateway-status.js";
import { useNow } from "../hooks/use-now.js";
import { formatDuration } from "../../../shared/format/time.js";
import { plural } from "../lib/format.js";
import { Card } from "../ui/card.js";
import { Skeleton } from "../ui/skeleton.js";
import { SeenFrom } from "./seen-from.js";

export function GatewayStatusCard({ sessionEpoch }: { sessionEpoch: number }) {
  const { status, data, error } = useGatewayStatus(sessionEpoch);
  const nowMs = useNow(30_000);
  return (
    <Card title="Gateway" testId="gateway-status" className="gateway-status">
      {status === "loading" ? (
        <div className="stack-sm">
          <Skeleton shape="line" />
          <Skeleton shape="short" />
        </div>
      ) : status === "error" ? (
        <p className="field-error" role="alert">
          Could not load the gateway status: {error.message}
        </p>
      ) : (
        <dl className="facts">
          <div>
            <dt>Name</dt>
            <dd data-testid="gateway-name">{data.name || "unnamed gateway"}</dd>
          </div>
          <div>
            <dt>Version</dt>
            <dd data-testid="gateway-version">{data.version}</dd>
          </div>
          <div>
            <dt>Up for</dt>
            <dd data-testid="gateway-uptime">{formatDuration(data.uptimeMs + (nowMs - data.fetchedAtMs))}</dd>
          </div>
          <div>
            <dt>Devices</dt>
            <dd data-testid="gateway-counts">
              {plural(data.counts.devices, "paired device")}, {data.counts.online} online, {plural(data.counts.pending, "pending request")}
            </dd>
          </div>
          <div>
            <dt>You connect from</dt>
            <dd>
              <SeenFrom seenFrom={data.seenFrom} testId="status-seen-from" />
            </dd>
          </div>
        </dl>
      )}
    </Card>
  );
}
