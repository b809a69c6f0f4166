// The upstream fixture app that the front-door tests put behind pairgate: it must report exactly what reached it,
// or those tests could pass without proving anything.
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startUpstreamApp, type EchoBody, type UpstreamApp } from "../fixtures/upstream-app.js";

let app: UpstreamApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

function openWs(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const messages: string[] = [];
  ws.on("message", (d) => messages.push(String(d)));
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  return { ws, messages, closed, opened: new Promise<void>((resolve, reject) => (ws.once("open", () => resolve()), ws.once("error", reject))) };
}

describe("upstream fixture app", () => {
  it("echoes every request header it got, and records the request", async () => {
    app = await startUpstreamApp();
    const res = await fetch(`${app.url}/api/echo?x=1`, { headers: { "Remote-User": "phone", Cookie: "a=b" } });
    const body = (await res.json()) as EchoBody;
    expect(body).toMatchObject({ method: "GET", path: "/api/echo?x=1", headers: { "remote-user": "phone", cookie: "a=b" } });
    expect(app.seen()).toEqual([expect.objectContaining({ method: "GET", path: "/api/echo?x=1" })]);
    expect(app.stats()).toMatchObject({ requests: 1, wsTotal: 0 });
  });

  it("serves an HTML page that names the path and escapes identity headers", async () => {
    app = await startUpstreamApp();
    const html = await (await fetch(`${app.url}/deep/page?q=1`, { headers: { "Remote-User": "<b>x</b>" } })).text();
    expect(html).toContain('<code id="path">/deep/page?q=1</code>');
    expect(html).toContain("&#60;b&#62;x&#60;/b&#62;");
    expect(html).not.toContain("<b>x</b>");
  });

  it("greets a WebSocket with its upgrade headers, echoes, counts it and can close it", async () => {
    app = await startUpstreamApp();
    const c = openWs(`${app.url.replace("http", "ws")}/ws`, { "X-Pairgate-Device": "dev1" });
    await c.opened;
    c.ws.send("ping");
    await expect.poll(() => c.messages.length).toBe(2);
    expect(JSON.parse(c.messages[0]!)).toMatchObject({ type: "hello", path: "/ws", headers: { "x-pairgate-device": "dev1" } });
    expect(c.messages[1]).toBe("ping");
    expect(app.stats()).toMatchObject({ wsOpen: 1, wsTotal: 1 });
    app.closeWebSockets(4000);
    expect(await c.closed).toBe(4000);
    await expect.poll(() => app!.stats().wsOpen).toBe(0);
  });

  it("drops every TCP connection on request", async () => {
    app = await startUpstreamApp();
    const c = openWs(`${app.url.replace("http", "ws")}/ws`);
    await c.opened;
    expect(app.stats().tcpOpen).toBe(1);
    app.dropConnections();
    expect(await c.closed).toBe(1006);
  });
});
