// A gateway event while the component is mounted: pairgate's own (typed) or one the app publishes.
import { useEffect, useRef } from "react";
import type { EventData, EventName } from "../../../shared/protocol/frames.js";
import { usePairgate } from "./context.js";

/** Runs `handler` for each event named `name`; the latest handler runs, without resubscribing. */
export function useEvent<E extends EventName>(name: E, handler: (data: EventData<E>) => void): void;
export function useEvent<T = unknown>(name: string, handler: (data: T) => void): void;
export function useEvent(name: string, handler: (data: unknown) => void): void {
  const client = usePairgate();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => client.on<unknown>(name, (data) => latest.current(data)), [client, name]);
}
