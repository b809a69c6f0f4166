// The example app (examples/notes) in Chromium, run as its README says: its own server on pairgate/server, its
// own React page on pairgate/react, devices approved with the real `pairgate` CLI. A viewer reads, a viewer's
// write sent from page JavaScript is refused by the server, an admin's write reaches the viewer's tab live, and
// a revoke cuts the socket and method access at once.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../support/gateway-harness.js";
import { CODE_SHAPE, LIVE, newStateDir, useBrowserSuite, type Cleanup } from "../support/e2e.js";

const { browser, cleanup } = useBrowserSuite();

beforeAll(() => {
  // dist/lib comes from the global setup; the example builds against it like an app against the installed package.
  const r = spawnSync("npm", ["run", "--silent", "example:build"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`example:build failed:\n${r.stdout}\n${r.stderr}`);
}, 200_000);

async function startExample(c: Cleanup, stateDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, "examples/notes/dist/server.js")], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: "0", NOTES_STATE_DIR: stateDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  c.add("example server", async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`example did not start:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += String(d);
      const m = /notes listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
  });
  return { url, child };
}

async function pairPage(url: string, stateDir: string, role: "viewer" | "admin"): Promise<{ page: Page; deviceId: string }> {
  const context = await browser().newContext();
  cleanup.add("browser context", () => context.close());
  const page = await context.newPage();
  await page.goto(url);
  const code = (await page.getByTestId("pg-code").textContent({ timeout: 15_000 }))!.trim();
  expect(code).toMatch(CODE_SHAPE);
  const r = runCli(["devices", "approve", code, "--role", role, "--json"], { stateDir });
  expect(r.status, r.stderr).toBe(0);
  const deviceId = (r.json() as { device: { id: string } }).device.id;
  await page.getByTestId("whoami").waitFor({ timeout: LIVE.timeout });
  return { page, deviceId };
}

/** Page JavaScript calling the app's method directly: no button involved. */
function callFromPage(page: Page, method: string, params: unknown) {
  return page.evaluate(
    async ([m, p]) => {
      const client = (window as unknown as { notesClient: { call(m: string, p: unknown): Promise<unknown> } }).notesClient;
      try {
        return { ok: true, result: await client.call(m as string, p) };
      } catch (e) {
        return { ok: false, code: (e as { code?: string }).code ?? "?" };
      }
    },
    [method, params] as const,
  );
}

describe("examples/notes in Chromium", () => {
  it("viewers read, the server refuses their writes, admins' writes arrive live, revoke cuts socket and methods", async () => {
    const stateDir = newStateDir(cleanup);
    const { url } = await startExample(cleanup, stateDir);

    const viewer = await pairPage(url, stateDir, "viewer");
    expect(await viewer.page.getByTestId("whoami").textContent()).toContain("(viewer)");
    await expect.poll(() => viewer.page.getByTestId("note").allTextContents(), LIVE).toEqual([expect.stringContaining("Welcome")]);
    expect(await viewer.page.getByTestId("note-add").count()).toBe(0); // the page hides the form, but that is not the guard:

    const refused = await callFromPage(viewer.page, "notes.add", { text: "written by a viewer" });
    expect(refused).toEqual({ ok: false, code: "forbidden" });

    const admin = await pairPage(url, stateDir, "admin");
    await admin.page.getByTestId("note-text").fill("from the admin tab");
    await admin.page.getByTestId("note-add").click();
    await expect
      .poll(() => viewer.page.getByTestId("note").allTextContents(), LIVE)
      .toEqual([expect.stringContaining("Welcome"), expect.stringContaining("from the admin tab")]);
    expect((await viewer.page.getByTestId("note").allTextContents()).join("\n")).not.toContain("written by a viewer");

    const revoke = runCli(["devices", "revoke", viewer.deviceId, "--json"], { stateDir });
    expect(revoke.status, revoke.stderr).toBe(0);
    // The socket is cut: the page falls back to the pairing screen's revoked state, and page JS can call nothing.
    await viewer.page.locator('[data-pg-status="revoked"]').waitFor({ timeout: LIVE.timeout });
    expect(await callFromPage(viewer.page, "notes.list", {})).toEqual({ ok: false, code: "not_connected" });
    expect(await viewer.page.getByTestId("note").count()).toBe(0);
    // The admin tab is untouched.
    expect(await callFromPage(admin.page, "notes.list", {})).toMatchObject({ ok: true });
  }, 150_000); // two browsers, two CLI approvals and a revoke: 30 s alone, over 60 s on a shared 2-core machine
});
