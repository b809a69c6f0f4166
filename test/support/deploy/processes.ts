// Child processes for the deployment tests (gateways in a namespace, nginx, Caddy, sshd, ssh): started with a
// bounded wait for their "ready" sign, their output kept for failure messages, and always stopped by id.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

export interface Proc {
  child: ChildProcess;
  name: string;
  output: () => string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (or signal name). */
  stop: (graceMs?: number) => Promise<number | string | null>;
}

export interface StartOptions extends SpawnOptions {
  name: string;
  /** Resolves once the output matches this, or once `ready()` resolves true. */
  readyOutput?: RegExp;
  ready?: () => Promise<boolean>;
  timeoutMs?: number;
}

export async function startProcess(cmd: string, args: string[], opts: StartOptions): Promise<Proc> {
  const { name, readyOutput, ready, timeoutMs = 20_000, ...spawnOpts } = opts;
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...spawnOpts });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const proc: Proc = {
    child,
    name,
    output: () => out,
    stop: (graceMs = 5000) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode ?? child.signalCode);
        const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.once("exit", (code, signal) => {
          clearTimeout(kill);
          resolve(code ?? signal);
        });
        child.kill("SIGTERM");
      }),
  };
  const deadline = Date.now() + timeoutMs;
  await new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      clearTimeout(timer);
      if (err) {
        void proc.stop(500);
        reject(err);
      } else resolve();
    };
    const onData = () => {
      if (readyOutput?.test(out)) finish();
    };
    const onExit = (code: number | null) => finish(new Error(`${name} exited with ${code} before it was ready:\n${out}`));
    const timer = setTimeout(() => finish(new Error(`${name} was not ready within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", (err) => finish(new Error(`${name} could not start: ${err.message}`)));
    onData();
    if (ready) {
      void (async () => {
        while (!done && Date.now() < deadline) {
          if (await ready().catch(() => false)) return finish();
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
    }
  });
  return proc;
}

/** True once a TCP connect to host:port succeeds (readiness probe for servers that print nothing). */
export function canConnect(host: string, port: number): Promise<boolean> {
  return settlesWith(connect({ host, port }), "connect");
}

/**
 * True once a TLS handshake for `servername` completes (the certificate is not checked): Caddy listens before its
 * internal CA has issued the site's certificate, and until then it answers the handshake with an alert.
 */
export function canHandshake(host: string, port: number, servername: string): Promise<boolean> {
  return settlesWith(tlsConnect({ host, port, servername, rejectUnauthorized: false }), "secureConnect");
}

/** Whether `socket` reaches `success` within a second; it is destroyed either way. */
function settlesWith(socket: Socket, success: "connect" | "secureConnect"): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000);
    socket.once(success, () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/** Polls `fn` until it returns a value, at most `timeoutMs`; for state outside this process (a CLI's view, a file). */
export async function eventually<T>(fn: () => Promise<T | null | undefined> | T | null | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await fn();
      if (v !== null && v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function commandExists(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).status === 0;
}

/** Finds a system tool (nginx, caddy, sshd). As root on Debian it installs the package once, like the Chromium finder. */
export function findTool(cmd: string, paths: string[], aptPackage: string): string {
  const found = paths.find((p) => spawnSync("test", ["-x", p]).status === 0);
  if (found) return found;
  if (process.getuid?.() === 0 && commandExists("apt-get")) {
    // The tests run these servers themselves; policy-rc.d (exit 101) keeps the package from starting a system service.
    const policy = "/usr/sbin/policy-rc.d";
    const addedPolicy = !existsSync(policy);
    if (addedPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
    try {
      spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
      spawnSync("apt-get", ["install", "-y", "-qq", aptPackage], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    } finally {
      if (addedPolicy) rmSync(policy, { force: true });
    }
    const installed = paths.find((p) => spawnSync("test", ["-x", p]).status === 0);
    if (installed) return installed;
  }
  throw new Error(`${cmd} is needed for this test. Install it with: sudo apt-get install -y ${aptPackage}`);
}
