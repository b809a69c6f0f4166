// Paired devices in the gateway's order (newest approval first), virtualised: only the rows in view are in the
// DOM, so 10,000 devices cost what a screenful does. Scrolling near the end asks for the next page.
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useEffect, useRef } from "react";
import type { DeviceView } from "../../../shared/protocol/views.js";
import { useNow } from "../hooks/use-now.js";
import { DeviceRow } from "./device-row.js";

/** A collapsed row's height; rows measure themselves once drawn (a phone wraps, an open rename form grows). */
const ROW_ESTIMATE_PX = 112;
/** Ask for the next page this many rows before the end, so scrolling rarely meets the end of what is loaded. */
const PREFETCH_ROWS = 20;

/** A presence diff replaces only the rows it names, so the others keep their identity and skip re-rendering. */
const Row = memo(DeviceRow);

export interface DeviceListProps {
  devices: DeviceView[];
  hasMore: boolean;
  onNeedMore(): void;
  onRevoke(device: DeviceView): void;
}

export function DeviceList({ devices, hasMore, onNeedMore, onRevoke }: DeviceListProps) {
  const nowMs = useNow(30_000);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: devices.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE_PX,
    getItemKey: (index) => devices[index]?.id ?? index,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (hasMore && lastIndex >= devices.length - PREFETCH_ROWS) onNeedMore();
  }, [hasMore, lastIndex, devices.length, onNeedMore]);

  if (devices.length === 0) return <p className="empty">No paired devices.</p>;
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scrollRef} className="device-scroller" data-testid="device-scroller">
      <ul className="rows" aria-label="Paired devices" style={{ paddingTop: before, paddingBottom: after }}>
        {items.map((item) => (
          <Row key={item.key} device={devices[item.index]!} nowMs={nowMs} onRevoke={onRevoke} index={item.index} measureRef={virtualizer.measureElement} />
        ))}
      </ul>
      {hasMore ? <p className="muted device-scroller-more">Loading more…</p> : null}
    </div>
  );
}
