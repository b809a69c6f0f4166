// A device session as a browser gets one through a proxy: prove the key on <prefix>/ws, be approved by the real
// CLI, ask for a one-time ticket on that socket, and trade it in POST <prefix>/session (same Origin) for the cookie.
import { runCli } from "../gateway-harness.js";
import { makeTestKey } from "../test-key.js";
import { connectClient, type TestClient } from "../ws-client.js";
import { httpRequest, type Got } from "./http.js";

export interface AppSession {
  /** `name=value`, ready for a Cookie header. */
  cookie: string;
  /** The Set-Cookie line as the gateway sent it. */
  setCookie: string;
  deviceId: string;
  deviceName: string;
  client: TestClient;
}

export interface SessionTarget {
  /** Where to connect: http(s)://127.0.0.1:PORT of the proxy. */
  base: string;
  /** The site as the browser names it: Host header and Origin come from it, e.g. http://app.example.com:8080. */
  origin: string;
  prefix?: string;
  stateDir: string;
  tls?: { ca: string; servername: string };
}

export async function openAppSession(t: SessionTarget, name = "Test browser"): Promise<AppSession> {
  const prefix = t.prefix ?? "/_pairgate";
  const host = new URL(t.origin).host;
  const client = await connectClient(`${t.base.replace(/^http/, "ws")}${prefix}/ws`, makeTestKey(), {
    origin: t.origin,
    headers: { Host: host },
    ...(t.tls ? { tls: t.tls } : {}),
  });
  await client.hello({ client: { name, userAgent: "pairgate-test" } });
  const pairing = await client.next("pairing");
  const approved = runCli(["devices", "approve", pairing.request.code, "--name", name], { stateDir: t.stateDir });
  if (approved.status !== 0) throw new Error(`approve failed: ${approved.stderr}`);
  const welcome = await client.next("welcome");
  const ticket = await client.call<{ ticket: string }>("session.ticket");
  if (!ticket.ok) throw new Error(`session.ticket refused: ${ticket.error.code}`);
  const res = await postSession(t, ticket.result.ticket);
  const setCookie = [res.headers["set-cookie"] ?? []].flat()[0];
  if (res.status !== 200 || !setCookie) throw new Error(`POST ${prefix}/session answered ${res.status}: ${res.body}`);
  return { cookie: setCookie.split(";")[0]!, setCookie, deviceId: welcome.device.id, deviceName: welcome.device.name, client };
}

/** `origin`: what the page claims (another site's, to test the refusal); Host stays the site's. */
export function postSession(t: SessionTarget, ticket: string, origin = t.origin): Promise<Got> {
  return httpRequest(`${t.base}${t.prefix ?? "/_pairgate"}/session`, {
    method: "POST",
    headers: { Host: new URL(t.origin).host, Origin: origin, "Content-Type": "application/json" },
    body: JSON.stringify({ ticket }),
    ...(t.tls ?? {}),
  });
}
