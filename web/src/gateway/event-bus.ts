// Subscribers to gateway events: pairgate's own, typed by name from shared/protocol/frames.ts, and the
// events an embedding app publishes, whose data the app types itself.
import type { AppEventFrame, EventData, EventFrame, EventName } from "../../../shared/protocol/frames.js";

type Handler = (data: unknown) => void;

export class EventBus {
  readonly #handlers = new Map<string, Set<Handler>>();

  on<E extends EventName>(event: E, handler: (data: EventData<E>) => void): () => void;
  on(event: string, handler: (data: unknown) => void): () => void;
  on(event: string, handler: Handler): () => void {
    let handlers = this.#handlers.get(event);
    if (!handlers) this.#handlers.set(event, (handlers = new Set()));
    // Safe: emit() only passes data that the event's own schema accepted (app events: the app's own data).
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  emit(frame: EventFrame | AppEventFrame): void {
    for (const handler of this.#handlers.get(frame.event) ?? []) handler(frame.data);
  }
}
