// docs/front-door.md's compose example, as far as it can run without Docker here: its pairgate service's command
// and environment, run as `pairgate start` in front of the upstream fixture app (the app's address `http://app:3000`
// and the bind address swapped for loopback ones), and its shape: only pairgate publishes a port. The image and the
// hardening flags are the ones compose.yaml uses, which test/integration/deploy-container.test.ts runs under podman.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnGateway, type SpawnedGateway } from "../support/gateway-harness.js";
import { startUpstreamApp, type UpstreamApp } from "../fixtures/upstream-app.js";
import { parseSimpleYaml } from "../support/deploy/dockerfile.js";
import { frontDoorBlock } from "../support/deploy/front-door-configs.js";
import { httpGet } from "../support/deploy/http.js";

interface Service {
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
}
const services = (parseSimpleYaml(frontDoorBlock("front-door-compose")) as unknown as { services: Record<string, Service> }).services;

describe("the compose example in docs/front-door.md", () => {
  let app: UpstreamApp;
  let g: SpawnedGateway;
  beforeAll(async () => {
    app = await startUpstreamApp();
    const command = services.pairgate!.command!;
    expect(command.slice(0, 1)).toEqual(["start"]);
    const args = command.slice(1).map((a) => (a === "http://app:3000" ? app.url : a === "0.0.0.0" ? "127.0.0.1" : a));
    g = await spawnGateway(args, { env: services.pairgate!.environment ?? {} });
  });
  afterAll(async () => {
    await g?.stop();
    await app?.close();
  });

  it("publishes only pairgate's port: the app is reached through pairgate alone", () => {
    expect(services.pairgate!.ports).toEqual(["8420:8420"]);
    expect(services.app!.ports).toBeUndefined();
  });

  it("starts with its command and environment, and keeps the app behind pairing for the allowed host", async () => {
    const host = { Host: `${services.pairgate!.environment!.PAIRGATE_ALLOWED_HOST}:8420` };
    const api = await httpGet(`http://127.0.0.1:${g.port}/api/echo`, host);
    expect(api.status).toBe(401);
    const page = await httpGet(`http://127.0.0.1:${g.port}/`, { ...host, Accept: "text/html", "Sec-Fetch-Mode": "navigate" });
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe("/_pairgate/?rd=%2F");
    expect(app.stats().requests).toBe(0);
    // A host it was not told about is refused outright (DNS rebinding).
    expect((await httpGet(`http://127.0.0.1:${g.port}/api/echo`, { Host: "other.example.com" })).status).toBe(403);
  });
});
