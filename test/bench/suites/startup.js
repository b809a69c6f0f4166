// startup: `pairgate start` (fresh state dir, fresh process) to its listening line, as the parent sees it.
// The gateway also prints its own "ready in N ms" (createGateway → listening), reported alongside.
import { startGateway } from "../lib/processes.js";
import { latency } from "../lib/stats.js";

export async function runStartup({ cfg, log }) {
  const spawnToListening = [];
  const ready = [];
  for (let i = 0; i < cfg.startupRuns; i++) {
    const gw = await startGateway();
    spawnToListening.push(gw.startMs);
    ready.push(gw.readyInMs);
    await gw.stop();
  }
  log(`startup: ${spawnToListening.map((x) => Math.round(x)).join(", ")} ms`);
  return {
    startup: {
      what: "spawn `node bin/pairgate.js start --port 0` with a new state dir → its listening line on stdout",
      spawnToListening: { ...latency(spawnToListening, [50, 90]), first: Math.round(spawnToListening[0]) },
      gatewayReadyIn: latency(ready, [50, 90]),
    },
  };
}
