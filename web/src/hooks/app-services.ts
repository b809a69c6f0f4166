// What main.tsx hands to the React tree: the gateway client, the pre-flight result and the approve code
// from #approve=…. Hooks read it; components never see the client itself.
import { createContext, useContext } from "react";
import type { GatewayClient } from "../gateway/gateway-client.js";
import type { PreflightResult } from "../preflight.js";

export interface AppServices {
  client: GatewayClient;
  preflight: Promise<PreflightResult>;
  approveCode: string | undefined;
  reload(): void;
}

export const AppServicesContext = createContext<AppServices | null>(null);

export function useAppServices(): AppServices {
  const services = useContext(AppServicesContext);
  if (!services) throw new Error("useAppServices must be used inside <AppServicesContext>");
  return services;
}
