// docs/design.md#targets, checked against one run's figures. Throughput targets are ratios to the bare-ws baseline of
// the same run; the rest are absolute. A missing figure is reported as not measured, never as met.

/** Reads "handshake.concurrent.rate.value": top-level keys themselves contain dots, so the longest one that fits wins. */
function get(results, path) {
  const top = Object.keys(results)
    .filter((k) => path === k || path.startsWith(`${k}.`))
    .sort((a, b) => b.length - a.length)[0];
  if (!top) return undefined;
  const rest = path.slice(top.length + 1);
  return rest ? rest.split(".").reduce((o, k) => (o == null ? undefined : o[k]), results[top]) : results[top];
}

const TARGETS = [
  { name: "paired handshakes, 50 concurrent, vs bare-ws rate", path: "handshake.concurrent.rateVsBare", op: ">=", limit: 0.5, unit: "×" },
  { name: "paired handshakes, 50 concurrent, vs bare-ws + verify rate", path: "handshake.concurrent.rateVsBareVerify", op: ">=", limit: 0.8, unit: "×" },
  { name: "server CPU per paired handshake vs bare-ws + verify", path: "handshake.concurrent.serverCpuVsBareVerify", op: "<=", limit: 1.25, unit: "×" },
  { name: "sequential median handshake cycle vs bare-ws", path: "handshake.sequential.medianCycleVsBare", op: "<=", limit: 2, unit: "×" },
  { name: "handshake rate with the most devices vs 1 device", path: "handshake.scale.ratioLargestToOne", op: ">=", limit: 0.9, unit: "×", note: "within 10 %" },
  { name: "revoke → all sockets closed p99 (1 socket)", path: "revoke.latency.bySocketsPerDevice.1.revokeToAllClosed.p99", op: "<=", limit: 50, unit: "ms" },
  { name: "revoke → all sockets closed p99 (5 sockets)", path: "revoke.latency.bySocketsPerDevice.5.revokeToAllClosed.p99", op: "<=", limit: 50, unit: "ms" },
  { name: "approve → welcome p99", path: "approve.latency.approveToWelcome.p99", op: "<=", limit: 50, unit: "ms" },
  { name: "across replicas: approve on A → welcome on B, p99", path: "replicas.approve.approveToWelcome.p99", op: "<=", limit: 100, unit: "ms" },
  { name: "across replicas: revoke on A → socket on B closed, p99", path: "replicas.revoke.revokeToClosed.p99", op: "<=", limit: 100, unit: "ms" },
  {
    name: "paired handshakes on Postgres with the most devices vs bare-ws + verify rate",
    path: "replicas.handshake.rateVsBareVerify",
    op: ">=",
    limit: 0.5,
    unit: "×",
    note: "10,000 devices in the full run",
  },
  { name: "idle gateway RSS", path: "memory.idleRss.value", op: "<=", limit: 80, unit: "MB" },
  {
    name: "RSS added by the most idle authenticated sockets",
    path: "memory.addedByLargest.value",
    op: "<=",
    limit: 200,
    unit: "MB",
    note: "10,000 sockets in the full run",
    invalid: (r) => {
      const m = get(r, "memory.addedByLargest");
      return m && m.sockets < m.requested ? `only ${m.sockets} of ${m.requested} sockets opened (open-file limit? see meta.openFilesLimit)` : null;
    },
  },
  { name: "dashboard initial JS + CSS, gzip", path: "dashboard.initialJsCssGzip.value", op: "<=", limit: 100, unit: "kB" },
  {
    name: "navigation → pairing code on screen, median, cold browser (new process, empty profile)",
    path: "dashboard.cold.navToCode.median",
    op: "<=",
    limit: 250,
    unit: "ms",
    note: "this machine's floor is in dashboard.coldFloor: a static page and a hand-written protocol page (with and without the gateway's opener policy), in the same cold runs",
  },
  {
    name: "bytes transferred before the pairing code, median, cold browser",
    path: "dashboard.cold.transferredBeforeCode.value",
    op: "<=",
    limit: 100,
    unit: "kB",
  },
  {
    name: "pairgate/client in an app bundle, gzip (with its protocol chunk)",
    path: "library.clientBundle.withProtocolGzip.value",
    op: "<=",
    limit: 15,
    unit: "kB",
  },
  {
    name: "pairgate/react on top of React, gzip (with its protocol chunk)",
    path: "library.reactBundle.withProtocolGzip.value",
    op: "<=",
    limit: 25,
    unit: "kB",
  },
  { name: "app method round trip on a paired loopback socket, median", path: "library.methodRoundTrip.app.median", op: "<=", limit: 1, unit: "ms" },
  {
    name: "front door: built-in proxy with auth vs the same proxy path without, requests/s",
    path: "frontDoor.builtin.rateVsNoAuth",
    op: ">=",
    limit: 0.5,
    unit: "×",
  },
  { name: "front door: built-in proxy, p99 added by the check (1 connection)", path: "frontDoor.builtin.p99AddedMs", op: "<=", limit: 2, unit: "ms" },
  {
    name: "front door: nginx + auth_request to pairgate vs nginx straight to the app, requests/s",
    path: "frontDoor.nginx.rateVsStraight",
    op: ">=",
    limit: 0.5,
    unit: "×",
  },
  { name: "front door: nginx + auth_request, p99 added by the check (1 connection)", path: "frontDoor.nginx.p99AddedMs", op: "<=", limit: 2, unit: "ms" },
  { name: "cold pairgate start → listening, median", path: "startup.spawnToListening.median", op: "<=", limit: 1000, unit: "ms" },
  {
    name: "server CPU per handshake with 10 admin tabs open vs none, 10,000 devices",
    path: "adminScale.handshake.serverCpuWithAdminsVsWithout",
    op: "<=",
    limit: 1.05,
    unit: "×",
    note: "within 5 %",
  },
  {
    name: "Devices page with 10,000 devices: click → answer drawn, slowest kind's median",
    path: "adminScale.clicks.worstMedian",
    op: "<=",
    limit: 100,
    unit: "ms",
  },
];

export function checkTargets(results) {
  return TARGETS.map((t) => {
    const measured = get(results, t.path);
    const base = { target: t.name, design: `${t.op} ${t.limit} ${t.unit}`, figure: t.path, ...(t.note ? { note: t.note } : {}) };
    if (typeof measured !== "number") return { ...base, measured: null, met: false, status: "not measured" };
    const invalid = t.invalid?.(results);
    if (invalid) return { ...base, measured, met: false, status: "not measured", why: invalid };
    const met = t.op === ">=" ? measured >= t.limit : measured <= t.limit;
    // How far from the line, as a share of it: positive is headroom, negative is the shortfall.
    const headroom = t.op === ">=" ? (measured - t.limit) / t.limit : (t.limit - measured) / t.limit;
    return { ...base, measured, met, status: met ? "met" : "missed", headroomPct: Math.round(headroom * 1000) / 10 };
  });
}

/** Every figure the bench promises (docs/performance.md); the smoke run fails when one is missing. */
const FIGURES = [
  "library.clientBundle.withProtocolGzip.value",
  "library.reactBundle.withProtocolGzip.value",
  "library.methodRoundTrip.app.median",
  "library.methodRoundTrip.builtin.median",
  "baseline.bareWs.sequential.cycle.median",
  "baseline.bareWs.concurrent.rate.value",
  "baseline.bareWsVerify.sequential.cycle.median",
  "baseline.bareWsVerify.concurrent.rate.value",
  "handshake.concurrent.rateVsBareVerify",
  "handshake.concurrent.serverCpuVsBareVerify",
  "handshake.sequential.handshake.median",
  "handshake.sequential.handshake.p90",
  "handshake.sequential.handshake.p99",
  "handshake.sequential.cycle.median",
  "handshake.concurrent.rate.value",
  "handshake.concurrent.latency.median",
  "handshake.concurrent.latency.p99",
  "handshake.scale.ratioLargestToOne",
  "approve.latency.approveToWelcome.median",
  "approve.latency.approveToWelcome.p99",
  "revoke.latency.bySocketsPerDevice.1.revokeToAllClosed.median",
  "revoke.latency.bySocketsPerDevice.5.revokeToAllClosed.p99",
  "memory.idleRss.value",
  "memory.addedByLargest.value",
  "memory.addedByLargest.bytesPerSocket",
  "startup.spawnToListening.median",
  "dashboard.initialJsCssGzip.value",
  "dashboard.cold.navToCode.median",
  "dashboard.cold.transferredBeforeCode.value",
  "dashboard.warm.navToCode.median",
  "dashboard.coldFloor.staticNavToCodeMs",
  "dashboard.coldFloor.protocolNavToCodeMs",
  "dashboard.coldFloor.protocolCoopNavToCodeMs",
  "replicas.approve.approveToWelcome.p99",
  "replicas.revoke.revokeToClosed.p99",
  "replicas.handshake.rateVsBareVerify",
  "frontDoor.builtin.rateVsNoAuth",
  "frontDoor.builtin.p99AddedMs",
  "frontDoor.nginx.rateVsStraight",
  "frontDoor.nginx.p99AddedMs",
  "adminScale.handshake.serverCpuWithAdminsVsWithout",
  "adminScale.clicks.all.median",
  "adminScale.clicks.worstMedian",
];

export function missingFigures(results) {
  const missing = FIGURES.filter((p) => typeof get(results, p) !== "number");
  const scale = get(results, "handshake.scale.byDevices") ?? {};
  for (const [n, f] of Object.entries(scale)) if (typeof f?.rate?.value !== "number") missing.push(`handshake.scale.byDevices.${n}.rate.value`);
  return missing;
}
