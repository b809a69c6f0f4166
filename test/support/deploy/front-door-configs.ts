// The front door's proxy configs exactly as docs/front-door.md gives them, with only the listen address, the
// gateway's and the app's ports and the certificate changed: the tests and the bench (through its kit) run these.
import { docBlock, FRONT_DOOR_DOC, startArgs } from "./doc-blocks.js";

const DOC_GATEWAY = "127.0.0.1:8420";
const DOC_APP = "127.0.0.1:3000";

export const frontDoorBlock = (name: string): string => docBlock(name, FRONT_DOOR_DOC);

/** `pairgate start` arguments of a doc block (e.g. "front-door-nginx-gateway"). */
export const frontDoorGatewayArgs = (name: string): string[] => startArgs(frontDoorBlock(name));

function swapPorts(text: string, gatewayPort: number, appPort: number): string {
  if (!text.includes(DOC_GATEWAY) || !text.includes(DOC_APP)) throw new Error(`the doc's config no longer names ${DOC_GATEWAY} and ${DOC_APP}`);
  return text.replaceAll(DOC_GATEWAY, `127.0.0.1:${gatewayPort}`).replaceAll(DOC_APP, `127.0.0.1:${appPort}`);
}

/**
 * The doc's nginx site on plain http at 127.0.0.1:`listenPort`. `withoutAuth` drops `auth_request` and `error_page
 * 401` and nothing else (the auth_request_set variables stay, empty): the same proxy path straight to the app, the
 * bench's baseline.
 */
export function frontDoorNginxSite(opts: { listenPort: number; gatewayPort: number; appPort: number; withoutAuth?: boolean }): string {
  let site = swapPorts(frontDoorBlock("front-door-nginx"), opts.gatewayPort, opts.appPort)
    .replace(/listen 443 ssl;/, `listen 127.0.0.1:${opts.listenPort};`)
    .replace(/^\s*ssl_certificate(_key)?\s.*$/gm, "");
  if (opts.withoutAuth) site = site.replace(/^\s*(auth_request |error_page 401 ).*$/gm, "");
  return site;
}

/** Two nginx sites side by side define each `map` and `upstream` once: the second copy's are dropped. */
export function withoutMaps(site: string): string {
  return site.replace(/^(map|upstream) [^{]+\{[\s\S]*?^\}\n?/gm, "");
}

/** The doc's Caddyfile site for `address` (e.g. "http://app.example.com:8080" or "app.example.com:8443"). */
export function frontDoorCaddySite(opts: { address: string; gatewayPort: number; appPort: number }): string {
  return swapPorts(frontDoorBlock("front-door-caddyfile"), opts.gatewayPort, opts.appPort).replace(/^app\.example\.com \{/m, `${opts.address} {`);
}
