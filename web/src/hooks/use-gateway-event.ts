// Subscribes a component to one gateway event for as long as it is mounted; the handler may change every render.
import { useEffect, useRef } from "react";
import type { EventData, EventName } from "../../../shared/protocol/frames.js";
import { useAppServices } from "./app-services.js";

export function useGatewayEvent<E extends EventName>(event: E, handler: (data: EventData<E>) => void): void {
  const { client } = useAppServices();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => client.on(event, (data) => latest.current(data)), [client, event]);
}
