import { createServer } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it, expect } from "vitest";
import { startUpstreamApp } from "../fixtures/upstream-app.js";
import { docBlock, FRONT_DOOR_DOC } from "./deploy-support/doc-blocks.js";
import { freePort, startNginx, startCaddy } from "./deploy-support/proxies.js";
import { httpGet } from "./deploy-support/http.js";

it("scratch", async () => {
  const app = await startUpstreamApp();
  const auth = createServer((req, res) => {
    console.log("AUTH", req.method, req.url, JSON.stringify(req.headers));
    if ((req.headers.cookie ?? "").includes("pairgate_session=good")) res.writeHead(200, { "Remote-User": "phone", "Remote-Groups": "viewer", "X-Pairgate-Device": "dev1", "X-Pairgate-Role": "viewer" }).end();
    else if ((req.headers.accept ?? "").includes("text/html")) res.writeHead(req.headers["x-forwarded-method"] ? 302 : 401, { Location: "/_pairgate/?rd=%2Fx%3Fa%3D1%26b%3D2" }).end("{}");
    else res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"code":"no_session"}}');
  });
  await new Promise<void>((r) => auth.listen(0, "127.0.0.1", () => r()));
  const authPort = (auth.address() as any).port;
  const port = await freePort();
  const site = docBlock("front-door-nginx", FRONT_DOOR_DOC)
    .replace(/listen 443 ssl;/, `listen 127.0.0.1:${port};`)
    .replace(/^\s*ssl_certificate(_key)?\s.*$/gm, "")
    .replaceAll("127.0.0.1:8420", `127.0.0.1:${authPort}`)
    .replaceAll("127.0.0.1:3000", `127.0.0.1:${app.port}`);
  const dir = mkdtempSync(join(tmpdir(), "scr-"));
  const ng = await startNginx(dir, site, { host: "127.0.0.1", port });
  const base = `http://127.0.0.1:${port}`;
  for (const [h, what] of [[{ Accept: "text/html" }, "nav"], [{}, "api"], [{ Cookie: "a=1; pairgate_session=good; b=2", "Remote-User": "evil", "X-Pairgate-Role": "admin" }, "ok"], [{ Cookie: "pairgate_session=good" }, "ok only"]] as const) {
    const r = await httpGet(`${base}/api/echo?x=1&y=2`, { Host: "app.example.com", ...h });
    console.log(what, r.status, r.headers.location, r.body.slice(0, 400));
  }
  console.log((await httpGet(`${base}/_pairgate/auth`, { Host: "app.example.com" })).status);
  // caddy
  const cport = await freePort();
  const cs = docBlock("front-door-caddyfile", FRONT_DOOR_DOC).replace("app.example.com {", `http://app.example.com:${cport} {`)
    .replaceAll("127.0.0.1:8420", `127.0.0.1:${authPort}`)
    .replaceAll("127.0.0.1:3000", `127.0.0.1:${app.port}`);
  const cdir = mkdtempSync(join(tmpdir(), "scr-"));
  const cd = await startCaddy(cdir, cs, { host: "127.0.0.1", port: cport });
  const cbase = `http://127.0.0.1:${cport}`;
  for (const [h, what] of [[{ Accept: "text/html" }, "nav"], [{}, "api"], [{ Cookie: "a=1; pairgate_session=good; b=2", "Remote-User": "evil", "X-Pairgate-Role": "admin" }, "ok"], [{ Cookie: "pairgate_session=good; b=2" }, "first"], [{ Cookie: "a=1; pairgate_session=good" }, "last"], [{ Cookie: "pairgate_session=good" }, "only"], [{ Cookie: "xpairgate_session=1; pairgate_session=good" }, "lookalike"]] as const) {
    const r = await httpGet(`${cbase}/api/echo?x=1&y=2`, { Host: `app.example.com:${cport}`, ...h });
    console.log("caddy", what, r.status, r.headers.location, r.body.slice(0, 500));
  }
  await cd.stop(); await ng.stop(); auth.close(); await app.close();
  expect(1).toBe(1);
});
