// The SSH tunnel recipe from docs/deploy.md, for real: the gateway stays on loopback inside a network namespace
// (the "remote machine"), Debian's sshd listens on the namespace's veth address, `ssh -N -L` runs outside, and
// Chromium opens http://localhost:<port>. That is a secure context, so the key is WebCrypto; the gateway sees sshd
// on 127.0.0.1 and shows "loopback", which grants nothing: the code is approved over ssh, as the docs say.
// Needs root for the namespace (and sshd); elsewhere it skips and prints why.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/chromium.js";
import { PAIRGATE_BIN, REPO_ROOT } from "../support/gateway-harness.js";
import { pairInBrowser } from "../support/deploy/browser-pairing.js";
import { docBlock, shellWords, startArgs } from "../support/deploy/doc-blocks.js";
import { createNetns, netnsUnavailable, type Netns } from "../support/deploy/netns.js";
import { canConnect, findTool, startProcess, type Proc } from "../support/deploy/processes.js";
import { freePort } from "../support/deploy/proxies.js";

const reason = netnsUnavailable();
/** sshd's privilege-separation dir; Debian's service creates it at boot, a bare container may not have it. */
const PRIVSEP_DIR = "/run/sshd";

describe("an SSH tunnel to a gateway on loopback", () => {
  let ns: Netns | null = null;
  let browser: Browser | null = null;
  let tunnel: Proc | null = null;
  let madePrivsepDir = false;
  const dir = mkdtempSync(join(tmpdir(), "pg-ssh-"));

  beforeAll(async () => {
    if (reason) return;
    ns = await createNetns();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await tunnel?.stop();
    await browser?.close();
    await ns?.destroy();
    if (madePrivsepDir) rmdirSync(PRIVSEP_DIR);
    rmSync(dir, { recursive: true, force: true });
  });

  it("pairs from http://localhost through `ssh -N -L` with a WebCrypto key, approved over ssh", async (ctx) => {
    if (reason) {
      console.log(`[deploy-ssh-tunnel] skipped: ${reason}`);
      ctx.skip();
    }
    const sshd = findTool("sshd", ["/usr/sbin/sshd"], "openssh-server");
    const ssh = findTool("ssh", ["/usr/bin/ssh"], "openssh-client");
    const keygen = (file: string) => expect(spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file]).status).toBe(0);
    keygen(join(dir, "host_key"));
    keygen(join(dir, "client_key"));
    writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")));
    writeFileSync(
      join(dir, "sshd_config"),
      [
        `ListenAddress ${ns!.nsAddress}`,
        "Port 22",
        `HostKey ${join(dir, "host_key")}`,
        `PidFile ${join(dir, "sshd.pid")}`,
        `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "AllowTcpForwarding local",
        "PermitOpen 127.0.0.1:8420",
        "X11Forwarding no",
        "PrintMotd no",
      ].join("\n") + "\n",
    );
    if (!existsSync(PRIVSEP_DIR)) {
      mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
      madePrivsepDir = true;
    }

    // On "the gateway's machine": `pairgate start` as the docs write it (loopback, default port), and sshd.
    const stateDir = join(dir, "state");
    const args = startArgs(docBlock("ssh-tunnel"));
    expect(args).toEqual([]);
    await ns!.start(process.execPath, [PAIRGATE_BIN, "start", ...args, "--state-dir", stateDir], {
      name: "gateway",
      cwd: REPO_ROOT,
      env: { ...process.env, PAIRGATE_NO_QR: "1" },
      readyOutput: /listening on http:\/\/127\.0\.0\.1:8420/,
    });
    await ns!.start(sshd, ["-D", "-e", "-f", join(dir, "sshd_config")], { name: "sshd", ready: () => canConnect(ns!.nsAddress, 22) });

    // On "the laptop": the docs' ssh command, with a free local port and this test's key and host.
    const sshLine = docBlock("ssh-tunnel")
      .split("\n")
      .find((l) => l.startsWith("ssh "))!;
    const words = shellWords(sshLine);
    const forward = words[words.indexOf("-L") + 1]!;
    expect(forward).toBe("8420:127.0.0.1:8420");
    const localPort = await freePort();
    const sshOpts = [
      "-F",
      "/dev/null",
      "-i",
      join(dir, "client_key"),
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      "BatchMode=yes",
      "-o",
      "StrictHostKeyChecking=no",
      "-o",
      "UserKnownHostsFile=/dev/null",
      "-o",
      "LogLevel=ERROR",
    ];
    const target = `root@${ns!.nsAddress}`;
    const tunnelArgs = words.slice(1).map((w) => (w === forward ? `127.0.0.1:${localPort}:127.0.0.1:8420` : w === "you@nas.local" ? target : w));
    expect(tunnelArgs).toEqual(["-N", "-L", `127.0.0.1:${localPort}:127.0.0.1:8420`, target]);
    tunnel = await startProcess(ssh, [...sshOpts, "-o", "ExitOnForwardFailure=yes", ...tunnelArgs], {
      name: "ssh tunnel",
      ready: () => canConnect("127.0.0.1", localPort),
    });

    // `ssh you@nas.local pairgate devices approve CODE`
    const approveOverSsh = (code: string) =>
      spawnSync(ssh, [...sshOpts, target, process.execPath, PAIRGATE_BIN, "devices", "approve", code, "--state-dir", stateDir], {
        encoding: "utf8",
        timeout: 30_000,
      });

    const page = await (await browser!.newContext()).newPage();
    const paired = await pairInBrowser(page, `http://localhost:${localPort}/`, approveOverSsh);
    expect(paired.isSecureContext).toBe(true);
    expect(paired.hasWebCrypto).toBe(true);
    expect(paired.seenFrom).toContain("127.0.0.1");
    expect(paired.seenFrom).toContain("loopback");

    const doctor = ns!.run(process.execPath, [PAIRGATE_BIN, "doctor", "--json", "--state-dir", stateDir]);
    const report = JSON.parse(doctor.stdout) as { gateway: { recentUpgrades: Array<{ address: string; host: string; origin: string }> } };
    expect(report.gateway.recentUpgrades[0]).toMatchObject({ address: "127.0.0.1", host: `localhost:${localPort}`, origin: `http://localhost:${localPort}` });
    const devices = JSON.parse(ns!.run(process.execPath, [PAIRGATE_BIN, "devices", "list", "--json", "--state-dir", stateDir]).stdout) as {
      devices: Array<{ keyStorage: string }>;
    };
    expect(devices.devices.map((d) => d.keyStorage)).toEqual(["webcrypto"]);
  });
});
