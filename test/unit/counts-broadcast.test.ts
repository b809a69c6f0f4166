// CountsBroadcast on its own: coalesced to one send per interval, the store counted only after a pairing event,
// nothing sent when nothing changed or nobody is connected. A held timer stands in for the clock.
import { describe, expect, it } from "vitest";
import type { EventFrame } from "../../shared/index.js";
import type { Connection } from "../../server/src/gateway/connection.js";
import { COUNTS_BROADCAST_MS, CountsBroadcast } from "../../server/src/gateway/counts-broadcast.js";
import { MemoryStore } from "../../server/src/store/memory-store.js";
import { manualTimers } from "../support/timers.js";

function setup() {
  const store = new MemoryStore();
  let storeReads = 0;
  const counted = Object.assign(Object.create(store) as MemoryStore, {
    countDevices: (...args: Parameters<MemoryStore["countDevices"]>) => {
      storeReads++;
      return store.countDevices(...args);
    },
  });
  const sent: EventFrame[] = [];
  const texts: Array<string | undefined> = [];
  const session = () =>
    ({
      sendEvent: (frame: EventFrame, text?: string) => {
        sent.push(frame);
        texts.push(text);
      },
    }) as unknown as Connection;
  let sessions: Connection[] = [session()];
  const clock = manualTimers(0);
  const counts = new CountsBroadcast({
    store: counted,
    now: () => 1_000,
    timers: clock.timers,
    onError: (err) => {
      throw err;
    },
    sessions: () => sessions,
    onlineDevices: () => sessions.length,
  });
  const tick = async () => {
    clock.fire(COUNTS_BROADCAST_MS);
    await new Promise((r) => setTimeout(r, 0));
  };
  return { counts, sent, texts, tick, storeReads: () => storeReads, clock, dropSessions: () => (sessions = []), addSession: () => sessions.push(session()) };
}

describe("CountsBroadcast", () => {
  it("coalesces any number of changes into one send per interval and reads the store once per pairing event", async () => {
    const t = setup();
    for (let i = 0; i < 10; i++) t.counts.presenceChanged();
    t.counts.storeChanged();
    expect(t.clock.pending(COUNTS_BROADCAST_MS)).toBe(1);
    await t.tick();
    expect(t.sent).toEqual([{ type: "event", event: "gateway.counts", data: { counts: { devices: 0, pending: 0, online: 1 } } }]);
    expect(t.storeReads()).toBe(1);

    // Presence alone reuses the stored counts; unchanged numbers are not sent again.
    t.counts.presenceChanged();
    await t.tick();
    expect(t.storeReads()).toBe(1);
    expect(t.sent).toHaveLength(1);
  });

  it("serialises the frame once and hands the same text to every session", async () => {
    const t = setup();
    t.addSession();
    t.addSession();
    t.counts.presenceChanged();
    await t.tick();
    expect(t.sent).toHaveLength(3);
    expect(new Set(t.texts).size).toBe(1);
    expect(JSON.parse(t.texts[0]!)).toEqual({ type: "event", event: "gateway.counts", data: { counts: { devices: 0, pending: 0, online: 3 } } });
  });

  it("sends nothing and reads nothing when no session is open", async () => {
    const t = setup();
    t.dropSessions();
    t.counts.storeChanged();
    await t.tick();
    expect(t.sent).toEqual([]);
    expect(t.storeReads()).toBe(0);
  });
});
