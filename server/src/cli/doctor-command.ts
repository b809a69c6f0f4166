// `pairgate doctor`: what the gateway sees, and a plain-language diagnosis of why browsers are refused.
import { statSync } from "node:fs";
import { join } from "node:path";
import { callGateway } from "./admin-client.js";
import { CliError, EXIT } from "./exit-codes.js";
import { formatTime, printJson } from "./output.js";
import type { Common } from "./admin-commands.js";

interface RefusalView {
  atMs: number;
  stage: string;
  code: string;
  reason: string;
  address: string;
  origin: string | null;
  host: string | null;
}

interface DoctorReport {
  bind: { host: string; port: number };
  publicUrl: string;
  stateDir: string;
  allowedHosts: string[];
  allowedOrigins: string[];
  trustedProxies: string[];
  sockets: { open: number; unauthenticated: number };
  refusedTotal: number;
  recentRefusals: RefusalView[];
  version: string;
  name: string;
}

export async function doctor(c: Common): Promise<void> {
  const stateDir = inspectStateDir(c.stateDir);
  let report: DoctorReport | null = null;
  let unreachable: CliError | null = null;
  try {
    report = await callGateway<DoctorReport>(c.stateDir, "gateway.doctor");
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    unreachable = err;
  }
  const diagnosis = diagnose(report, stateDir, unreachable);
  if (c.json) {
    printJson({ adminSocket: { path: join(c.stateDir, "admin.sock"), reachable: report !== null }, stateDirCheck: stateDir, gateway: report, diagnosis });
  } else {
    const out = (s = "") => console.log(s);
    out(`state dir     ${c.stateDir} ${stateDir.exists ? `(mode ${stateDir.mode}${stateDir.private ? "" : ", readable by others!"})` : "(missing)"}`);
    out(`admin socket  ${report ? "reachable" : "not reachable"}`);
    if (report) {
      out(`gateway       "${report.name}" ${report.version}, bound to ${report.bind.host}:${report.bind.port}, links use ${report.publicUrl}`);
      out(`allowed hosts ${report.allowedHosts.join(", ") || "(IP literals and localhost only)"}`);
      out(`allowed orig. ${report.allowedOrigins.join(", ") || "(same origin only)"}`);
      out(`trusted proxy ${report.trustedProxies.join(", ") || "(none: X-Forwarded-For is ignored)"}`);
      out(`sockets       ${report.sockets.open} open, ${report.sockets.unauthenticated} unauthenticated; ${report.refusedTotal} refused since start`);
      if (report.recentRefusals.length) {
        out("\nRecent refusals (newest first):");
        for (const r of report.recentRefusals) {
          out(`  ${formatTime(r.atMs)}  ${r.stage}/${r.code}  from ${r.address}${r.origin ? `  Origin ${r.origin}` : ""}${r.host ? `  Host ${r.host}` : ""}`);
          out(`      ${r.reason}`);
        }
      }
    }
    out("\nDiagnosis:");
    for (const line of diagnosis) out(`  - ${line}`);
  }
  if (!report) throw new CliError(unreachable?.message ?? "gateway not reachable", EXIT.notRunning, "not_running");
}

function inspectStateDir(dir: string): { exists: boolean; mode: string; private: boolean } {
  try {
    const st = statSync(dir);
    return { exists: true, mode: (st.mode & 0o777).toString(8).padStart(4, "0"), private: (st.mode & 0o077) === 0 };
  } catch {
    return { exists: false, mode: "", private: false };
  }
}

export function diagnose(report: DoctorReport | null, stateDir: { exists: boolean; private: boolean }, unreachable: CliError | null): string[] {
  if (!report) {
    return [
      stateDir.exists ? "The state dir exists but no gateway answers on its admin socket." : "The state dir does not exist yet.",
      unreachable?.message.split("\n")[0] ?? "The gateway is not running.",
    ];
  }
  const lines: string[] = [];
  if (stateDir.exists && !stateDir.private) lines.push(`The state dir is readable by other users; run chmod 700 ${report.stateDir}.`);
  const seen = new Set<string>();
  for (const r of report.recentRefusals) {
    const key = `${r.code}|${r.address}|${r.origin}|${r.host}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (r.code === "origin_not_allowed" && r.origin)
      lines.push(`Requests from ${r.address} are refused because Origin ${r.origin} is not allowed: add --allowed-origin ${r.origin}.`);
    else if (r.code === "host_not_allowed" && r.host)
      lines.push(`Requests from ${r.address} are refused because Host ${r.host.replace(/:\d+$/, "")} is not allowed: add --allowed-host ${r.host.replace(/:\d+$/, "")}.`);
    else if (r.code === "auth_failed")
      lines.push(`A browser at ${r.address} failed to prove its key (${r.reason}) — often a clock more than 2 minutes off.`);
    else if (r.code === "rate_limited" || r.code === "pending_limit")
      lines.push(`${r.address} hit a limit (${r.code}); it can retry after a short wait.`);
  }
  if (report.bind.host === "127.0.0.1" || report.bind.host === "::1" || report.bind.host === "localhost")
    lines.push("The gateway listens on loopback only: browsers on other machines (or outside a container) can't reach it. Use --host 0.0.0.0 to serve your LAN or a Docker port mapping.");
  if (lines.length === 0) lines.push("Nothing looks wrong. Browsers that open the dashboard get a code to approve.");
  return lines;
}
