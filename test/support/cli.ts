// The real CLI as a child process, without blocking the event loop: an in-process gateway under test must keep
// answering the admin socket while the CLI waits for it (runCli's spawnSync would deadlock against it).
import { spawn } from "node:child_process";
import { PAIRGATE_BIN } from "./gateway-harness.js";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  json<T = unknown>(): T;
}

export function runCliAsync(args: string[], stateDir: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PAIRGATE_BIN, ...args], {
      env: { ...process.env, PAIRGATE_NO_QR: "1", PAIRGATE_STATE_DIR: stateDir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("error", reject);
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, json: <T>() => JSON.parse(stdout) as T });
    });
  });
}
