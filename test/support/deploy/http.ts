// Plain HTTP(S) requests with exact headers (fetch won't send a chosen Host or Cookie) and an optional source
// address; over https, `ca` is the one root to trust and `servername` the name to check.
import { request as httpRequestRaw, type RequestOptions } from "node:http";
import { request as httpsRequestRaw } from "node:https";

export interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RequestOpts {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  localAddress?: string;
  ca?: string;
  servername?: string;
}

export function httpRequest(url: string, opts: RequestOpts = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const https = url.startsWith("https:");
    const options: RequestOptions & { ca?: string; servername?: string } = {
      method: opts.method ?? "GET",
      headers: opts.headers ?? {},
      timeout: 10_000,
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      ...(https && opts.ca ? { ca: opts.ca } : {}),
      ...(https && opts.servername ? { servername: opts.servername } : {}),
    };
    const req = (https ? httpsRequestRaw : httpRequestRaw)(url, options, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`${options.method} ${url} timed out`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}

export function httpGet(url: string, headers: Record<string, string> = {}, localAddress?: string): Promise<Got> {
  return httpRequest(url, { headers, ...(localAddress ? { localAddress } : {}) });
}
