// Parent side of the load generator: forks lib/load-client.js as its own process and sends it commands.
import { fork } from "node:child_process";
import { join } from "node:path";
import { FD_NEEDED, fdWrapper, track } from "./processes.js";

export async function startLoad({ kitFile, keyFile, keyCount }) {
  const wrap = fdWrapper(FD_NEEDED);
  const child = fork(join(import.meta.dirname, "load-client.js"), [], {
    ...(wrap ? { execPath: wrap[0], execArgv: [...wrap[1], process.execPath] } : {}),
    env: { ...process.env, PAIRGATE_BENCH_KIT: kitFile },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  track(child);
  let nextId = 1;
  const pending = new Map();
  child.on("message", (msg) => {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.ok) p?.resolve(msg.result);
    else p?.reject(new Error(`load generator: ${msg.error}`));
  });
  child.on("error", (err) => {
    for (const p of pending.values()) p.reject(new Error(`load generator: ${err.message}`));
    pending.clear();
  });
  child.on("exit", (code) => {
    for (const p of pending.values()) p.reject(new Error(`load generator exited with ${code}`));
    pending.clear();
  });
  const run = (cmd, args) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, args });
    });
  await run("loadKeys", { file: keyFile, count: keyCount });
  return {
    pid: child.pid,
    run,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
