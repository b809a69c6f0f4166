// Starts real gateways for tests: in-process on port 0 with an injectable clock, or as a child process
// through the real CLI (bin/pairgate.js), exactly as a user runs it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildConfig } from "../../server/src/config/config.js";
import { createGateway, type GatewayOptions } from "../../server/src/gateway.js";
import { createLogger, type LogLevel } from "../../server/src/log/logger.js";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const PAIRGATE_BIN = join(REPO_ROOT, "bin/pairgate.js");

export function tempStateDir(prefix = "pg-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface InProcessOptions extends GatewayOptions {
  stateDir?: string;
  /** Settings as `pairgate start` takes them (camelCase keys), e.g. { allowedOrigins: [...] }. */
  settings?: Record<string, unknown>;
  logLines?: string[];
  logLevel?: LogLevel;
}

export async function startGateway(opts: InProcessOptions = {}) {
  const stateDir = opts.stateDir ?? tempStateDir();
  const config = buildConfig({ port: 0, host: "127.0.0.1", name: "test-gateway", logLevel: opts.logLevel ?? "silent", ...opts.settings }, stateDir);
  const logLines = opts.logLines;
  const gateway = await createGateway(config, {
    ...(logLines ? { log: createLogger(opts.logLevel ?? "debug", (l) => void logLines.push(l)) } : {}),
    ...opts,
  });
  const port = await gateway.listen();
  return {
    gateway,
    port,
    stateDir,
    url: `ws://127.0.0.1:${port}/ws`,
    httpUrl: `http://127.0.0.1:${port}`,
    async stop(keepState = false) {
      await gateway.stop();
      if (!keepState && !opts.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export interface SpawnedGateway {
  child: ChildProcess;
  port: number;
  stateDir: string;
  stdout: () => string;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `pairgate start` in a child process and waits until it prints its listening line. */
export async function spawnGateway(
  args: string[] = [],
  opts: { stateDir?: string; env?: Record<string, string>; timeoutMs?: number /** `ulimit -n` for the child */; maxOpenFiles?: number } = {},
): Promise<SpawnedGateway> {
  const stateDir = opts.stateDir ?? tempStateDir();
  const argv = [PAIRGATE_BIN, "start", "--port", "0", "--state-dir", stateDir, ...args];
  const [command, commandArgs] = opts.maxOpenFiles
    ? ["/bin/sh", ["-c", `ulimit -n ${opts.maxOpenFiles} && exec "$@"`, "sh", process.execPath, ...argv]]
    : [process.execPath, argv];
  const child = spawn(command, commandArgs, {
    env: { ...process.env, PAIRGATE_NO_QR: "1", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}\n${err}`)), opts.timeoutMs ?? 15_000);
    const check = () => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    child,
    port,
    stateDir,
    stdout: () => out,
    stderr: () => err,
    stop: (signal = "SIGTERM") =>
      new Promise((resolveStop) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveStop(child.exitCode);
        child.once("exit", (code) => resolveStop(code));
        child.kill(signal);
      }),
  };
}

/** Runs the real CLI (`pairgate …`) to completion. */
export function runCli(args: string[], opts: { stateDir?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [PAIRGATE_BIN, ...args], {
    env: { ...process.env, PAIRGATE_NO_QR: "1", ...(opts.stateDir ? { PAIRGATE_STATE_DIR: opts.stateDir } : {}), ...opts.env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) as unknown };
}
