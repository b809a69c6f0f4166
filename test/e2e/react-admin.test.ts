// pairgate/react's admin pieces in Chromium against a real gateway: <ApproveCode/>, useDevices and
// usePendingApprovals, mounted on a page built from the packaged entry (dist/lib) like an app would, served by an
// app server on pairgate/server with a real SQLite store. Browsers are approved with the real CLI. Everything the
// test checks is what the hooks returned, read off the page; the gateway's side is checked with the CLI.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { PAIRGATE_BIN, REPO_ROOT, tempStateDir } from "../support/gateway-harness.js";
import { CODE_SHAPE, LIVE, newStateDir, useBrowserSuite, type Cleanup } from "../support/e2e.js";

const { browser, cleanup } = useBrowserSuite();
const LIB = join(REPO_ROOT, "dist/lib");
let webRoot = "";

beforeAll(async () => {
  // dist/lib comes from the global setup; the page builds against it as against the installed package.
  const { build } = await import("vite");
  const { default: react } = await import("@vitejs/plugin-react");
  webRoot = tempStateDir("pg-react-page-");
  // vitest sets NODE_ENV=test, which makes Vite emit React's development JSX; build what an app ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  await build({
    configFile: false,
    logLevel: "warn",
    root: join(import.meta.dirname, "react-fixture"),
    base: "./",
    plugins: [react()],
    resolve: {
      alias: [
        { find: /^pairgate\/react\/styles\.css$/, replacement: `${LIB}/styles.css` },
        { find: /^pairgate\/(client|react)$/, replacement: `${LIB}/$1.js` },
      ],
    },
    define: { "process.env.NODE_ENV": '"production"' },
    build: { outDir: webRoot, emptyOutDir: true, target: "es2022" },
  }).finally(() => {
    process.env.NODE_ENV = nodeEnv;
  });
}, 120_000);

type ServerModule = typeof import("../../server/src/index.js");

/** The app's server: its page over node:http, pairgate on /pg of the same server, the CLI let in by the state dir. */
async function startApp(c: Cleanup, stateDir: string): Promise<string> {
  const { createPairgate, sqliteStore } = (await import(pathToFileURL(join(LIB, "server.js")).href)) as ServerModule;
  const pg = await createPairgate({ store: sqliteStore(stateDir), name: "react-admin" });
  const types: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };
  const server: Server = createServer((req, res) => {
    const path = req.url === "/" ? "/index.html" : (req.url ?? "/").split("?")[0]!;
    if (path.includes("..")) return void res.writeHead(400).end();
    let body: Buffer;
    try {
      body = readFileSync(join(webRoot, path));
    } catch {
      return void res.writeHead(404).end();
    }
    res.writeHead(200, { "Content-Type": types[extname(path)] ?? "application/octet-stream" }).end(body);
  });
  pg.attach(server, { path: "/pg" });
  await pg.serveCli({ dir: stateDir });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  c.add("app server", async () => {
    await pg.close();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}/`;
}

async function openTab(url: string): Promise<{ page: Page; code: string }> {
  const context = await browser().newContext();
  cleanup.add("browser context", () => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  await page.goto(url);
  const code = (await page
    .getByTestId("pg-code")
    .textContent({ timeout: 15_000 })
    .catch(async (error: unknown) => {
      throw new Error(`no pairing code; the page shows: ${await page.locator("body").innerText()}; errors: ${errors.join(" | ")}`, { cause: error });
    }))!.trim();
  expect(code).toMatch(CODE_SHAPE);
  return { page, code };
}

/** The real CLI, run without blocking: the gateway it talks to lives in this process and must keep answering. */
async function cli(stateDir: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [PAIRGATE_BIN, ...args, "--json"], {
    env: { ...process.env, PAIRGATE_NO_QR: "1", PAIRGATE_STATE_DIR: stateDir },
    timeout: 30_000,
  });
  return stdout;
}

async function approveWithCli(stateDir: string, code: string, role: "admin" | "viewer", name: string): Promise<void> {
  await cli(stateDir, ["devices", "approve", code, "--role", role, "--name", name]);
}

const names = (page: Page) => page.getByTestId("device-name").allTextContents();
const text = (page: Page, testId: string) => page.getByTestId(testId).textContent();

describe("pairgate/react admin hooks in Chromium", () => {
  it("ApproveCode approves by code with a role and explains a wrong code; useDevices and usePendingApprovals follow live, page, search and reject", async () => {
    const stateDir = newStateDir(cleanup);
    const url = await startApp(cleanup, stateDir);

    const admin = await openTab(url);
    await approveWithCli(stateDir, admin.code, "admin", "Admin tab");
    await expect.poll(() => text(admin.page, "role"), LIVE).toBe("admin");
    await expect.poll(() => names(admin.page), LIVE).toEqual(["Admin tab"]);
    expect(await text(admin.page, "total")).toBe("1");
    expect(await admin.page.getByTestId("pending-row").count()).toBe(0);

    // A second browser waits: usePendingApprovals shows it without a reload.
    const second = await openTab(url);
    await expect.poll(() => admin.page.getByTestId("pending-row").count(), LIVE).toBe(1);

    // A code nobody shows: ApproveCode says so, and nothing was approved.
    await admin.page.getByPlaceholder("XXXX-XXXX").fill("BBBB-BBBB");
    await admin.page.getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => admin.page.getByRole("status").textContent(), LIVE).toBe("No browser is waiting with that code.");
    expect(await text(admin.page, "approved-callback")).toBe("");

    // The right code, as a viewer: the waiting tab carries on by itself, and every list follows.
    await admin.page.getByPlaceholder("XXXX-XXXX").fill(second.code);
    await admin.page.getByRole("combobox").selectOption("viewer");
    await admin.page.getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => text(admin.page, "approved-callback"), LIVE).not.toBe("");
    const secondName = (await text(admin.page, "approved-callback"))!;
    expect(await admin.page.getByRole("status").textContent()).toBe(`Approved ${secondName} as viewer.`);
    await expect.poll(() => text(second.page, "role"), LIVE).toBe("viewer");
    await expect.poll(() => names(admin.page), LIVE).toEqual([secondName, "Admin tab"]);
    expect(await text(admin.page, "total")).toBe("2");
    expect(await admin.page.getByTestId("pending-row").count()).toBe(0);
    const listed = JSON.parse(await cli(stateDir, ["devices", "list"])) as unknown;
    expect((listed as { devices: Array<{ name: string; role: string }> }).devices).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: secondName, role: "viewer" })]),
    );

    // The same hooks in a viewer's tab: the gateway refuses, and the hooks say so.
    await expect.poll(() => text(second.page, "devices-error"), LIVE).toBe("forbidden");
    expect(await text(second.page, "pending-error")).toBe("forbidden");
    expect(await second.page.getByTestId("device-name").count()).toBe(0);

    // A third browser, rejected from usePendingApprovals: its tab learns at once, and the row goes.
    const third = await openTab(url);
    await expect.poll(() => admin.page.getByTestId("pending-row").count(), LIVE).toBe(1);
    await admin.page.getByTestId("reject").click();
    await expect.poll(() => text(admin.page, "reject-outcome"), LIVE).toBe("rejected");
    await third.page.locator('[data-pg-status="rejected"]').waitFor({ timeout: LIVE.timeout });
    await expect.poll(() => admin.page.getByTestId("pending-row").count(), LIVE).toBe(0);

    // It asks again and is approved from the CLI: the admin's list (2 per page) takes the new device in live.
    await third.page.getByRole("button", { name: "Request again" }).click();
    const thirdCode = (await third.page.getByTestId("pg-code").textContent({ timeout: LIVE.timeout }))!.trim();
    await approveWithCli(stateDir, thirdCode, "viewer", "Third tab");
    await expect.poll(() => names(admin.page), LIVE).toEqual(["Third tab", secondName, "Admin tab"]);
    expect(await text(admin.page, "total")).toBe("3");

    // A fresh load gets 2 per page: loadMore brings the rest.
    await admin.page.reload();
    await expect.poll(() => names(admin.page), LIVE).toEqual(["Third tab", secondName]);
    expect(await text(admin.page, "total")).toBe("3");
    await admin.page.getByTestId("more").click();
    await expect.poll(() => names(admin.page), LIVE).toEqual(["Third tab", secondName, "Admin tab"]);
    expect(await admin.page.getByTestId("more").count()).toBe(0);

    // A search runs on the gateway.
    await admin.page.getByTestId("query").fill("admin");
    await expect.poll(() => names(admin.page), LIVE).toEqual(["Admin tab"]);
    expect(await text(admin.page, "total")).toBe("1");
  }, 150_000);
});
