// The gateway's version, shown in welcome frames, /healthz and `pairgate --version`.
export const GATEWAY_VERSION = "0.1.0";
