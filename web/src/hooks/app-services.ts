// What app-root.tsx hands to the React tree besides the pairgate client (which <PairgateProvider> carries): the
// pre-flight result, the approve code from #approve=… and a page reload.
import { createContext, useContext } from "react";
import type { PreflightResult } from "../preflight.js";

export interface AppServices {
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
