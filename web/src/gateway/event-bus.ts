// Subscribers to gateway events, typed by event name from shared/protocol/frames.ts.
import type { EventData, EventFrame, EventName } from "../../../shared/protocol/frames.js";

type Handler = (data: unknown) => void;

export class EventBus {
  readonly #handlers = new Map<EventName, Set<Handler>>();

  on<E extends EventName>(event: E, handler: (data: EventData<E>) => void): () => void {
    let handlers = this.#handlers.get(event);
    if (!handlers) this.#handlers.set(event, (handlers = new Set()));
    // Safe: emit() only passes data that the event's own schema accepted.
    const untyped = handler as Handler;
    handlers.add(untyped);
    return () => handlers.delete(untyped);
  }

  emit(frame: EventFrame): void {
    for (const handler of this.#handlers.get(frame.event) ?? []) handler(frame.data);
  }
}
