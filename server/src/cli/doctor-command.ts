// `pairgate doctor`: what the gateway sees — bind, state dir and its permissions, allowed hosts and origins,
// trusted proxies, admin-socket reachability, the last 20 upgrades and refusals — and a plain-language diagnosis.
// Works when the gateway is down too: then it says why the admin socket doesn't answer, and exits 3.
import { diagnoseGateway, diagnoseUnreachable } from "../config/diagnosis.js";
import type { DoctorFacts } from "../config/doctor-facts.js";
import { inspectStateDir, type StateDirFacts } from "../config/state-dir.js";
import type { Common } from "./admin-commands.js";
import { callGateway } from "./admin-client.js";
import { CliError, EXIT } from "./exit-codes.js";
import { formatTime } from "../../../shared/index.js";
import { printableLines, printJson } from "./output.js";

export interface DoctorReport {
  adminSocket: { path: string; reachable: boolean; error: { code: string; message: string } | null };
  /** The state dir as this CLI process sees it (the gateway's own view is gateway.stateDir). */
  stateDir: StateDirFacts;
  gateway: DoctorFacts | null;
  diagnosis: string[];
}

export async function doctor(c: Common): Promise<void> {
  const report = await collectReport(c.stateDir);
  if (c.json) printJson(report);
  else printText(report);
  const err = report.adminSocket.error;
  if (err) {
    // Not thrown: the report above is the answer (in --json, the only JSON document on stdout); only the exit code says "not running".
    process.stderr.write(`pairgate: ${err.message.split("\n")[0]}\n`);
    process.exitCode = EXIT.notRunning;
  }
}

async function collectReport(stateDirPath: string): Promise<DoctorReport> {
  const local = inspectStateDir(stateDirPath);
  try {
    const gateway = await callGateway(stateDirPath, "gateway.doctor");
    return { adminSocket: { path: local.adminSocket.path, reachable: true, error: null }, stateDir: local, gateway, diagnosis: diagnoseGateway(gateway) };
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    const error = { code: err.code, message: err.message };
    return {
      adminSocket: { path: local.adminSocket.path, reachable: false, error },
      stateDir: local,
      gateway: null,
      diagnosis: diagnoseUnreachable(local, error),
    };
  }
}

function printText(r: DoctorReport): void {
  // Host, Origin, X-Forwarded-For and refusal reasons come from whoever connected: escaped before printing.
  const out = (s = "") => process.stdout.write(printableLines(s) + "\n");
  const at = (ms: number) => formatTime(ms, { seconds: true });
  const row = (k: string, v: string) => out(`${k.padEnd(16)}${v}`);
  const g = r.gateway;
  const sd = g?.stateDir ?? r.stateDir;
  row(
    "state dir",
    `${sd.path} ${sd.exists ? `(mode ${sd.mode}, owner uid ${sd.ownerUid}${sd.isPrivate ? "" : ", readable by others!"}${sd.isWritable ? "" : ", not writable!"})` : "(missing)"}`,
  );
  row(
    "admin socket",
    `${r.adminSocket.path}: ${r.adminSocket.reachable ? `reachable${sd.adminSocket.mode ? ` (mode ${sd.adminSocket.mode})` : ""}` : `not reachable (${r.adminSocket.error?.code})`}`,
  );
  if (g) {
    row(
      "gateway",
      `"${g.name}" ${g.version}, pid ${g.process.pid}, uid ${g.process.uid ?? "?"}, node ${g.process.node}${g.process.inContainer ? ", in a container" : ""}`,
    );
    row("bind", `${g.bind.host}:${g.bind.port}`);
    row("links", `${g.publicUrl} (${g.publicUrlSource})`);
    row("store", `${g.store.kind} ${g.store.location}, schema ${g.store.schemaVersion ?? "-"}; replica ${g.store.replicaId}`);
    if (g.store.changeFeed) {
      const f = g.store.changeFeed;
      row(
        "listen",
        `${f.listening ? "healthy" : "DOWN"}, last ping ${f.lastPingAtMs ? formatTime(f.lastPingAtMs) : "never"}, ${f.reconnects} reconnects${f.lastError ? `; last error: ${f.lastError}` : ""}`,
      );
      const r = g.store.lastResync;
      row(
        "last resync",
        r
          ? `${formatTime(r.atMs)}: ${r.devicesChecked} devices and ${r.requestsChecked} requests checked, ${r.revoked} closed as revoked, ${r.resolved} resolved in ${r.durationMs} ms${r.error ? `; failed: ${r.error}` : ""}`
          : "none since start",
      );
    }
    row("config file", g.config.file ?? "(none)");
    const set = Object.entries(g.config.sources).filter(([, s]) => s !== "default");
    row("settings from", set.length ? set.map(([k, s]) => `${k} (${s})`).join(", ") : "(all defaults)");
    row("allowed hosts", g.allowedHosts.join(", ") || "(IP literals, localhost and *.localhost only)");
    row("allowed origins", g.allowedOrigins.join(", ") || "(only http(s)://<the request's Host>)");
    row("trusted proxies", g.trustedProxies.join(", ") || "(none: X-Forwarded-For is ignored)");
    if (g.frontDoor?.prefix)
      row(
        "front door",
        `pages under ${g.frontDoor.prefix}/; ${g.frontDoor.upstream ? `proxies everything else to ${g.frontDoor.upstream} for paired browsers` : `forward auth at ${g.frontDoor.prefix}/auth (no --upstream)`}`,
      );
    row(
      "sockets",
      `${g.sockets.open} open, ${g.sockets.unauthenticated} unauthenticated; ${g.upgradesTotal} upgrades and ${g.refusedTotal} refusals since start`,
    );
    if (g.recentUpgrades.length) {
      out(`\nLast ${g.recentUpgrades.length} WebSocket upgrades (newest first):`);
      for (const u of g.recentUpgrades)
        out(
          `  ${at(u.atMs)}  ${u.address} (${u.networkClass})` +
            `${u.peer !== u.address || u.forwardedFor ? `  peer ${u.peer}${u.viaTrustedProxy ? " (trusted proxy)" : ""}` : ""}` +
            `${u.forwardedFor ? `  X-Forwarded-For ${u.forwardedFor}` : ""}  Host ${u.host ?? "-"}  Origin ${u.origin ?? "-"}`,
        );
    }
    if (g.recentRefusals.length) {
      out(`\nLast ${g.recentRefusals.length} refusals (newest first):`);
      for (const f of g.recentRefusals) {
        out(`  ${at(f.atMs)}  ${f.stage} ${f.code}  from ${f.address}  Host ${f.host ?? "-"}  Origin ${f.origin ?? "-"}`);
        out(`      ${f.reason}`);
      }
    }
  }
  out("\nDiagnosis:");
  for (const line of r.diagnosis) out(`  - ${line}`);
}
