// The React dashboard, loaded by main.ts once the gateway has answered. It takes over the client main.ts started
// (the same socket and key) and renders over the plain-DOM first paint.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.js";
import type { BrowserGateway } from "./boot/create-gateway.js";
import type { StartupFragment } from "./boot/fragment.js";
import { AppServicesContext, type AppServices } from "./hooks/app-services.js";
import { PairgateProvider } from "./react/context.js";

export function mountApp(root: HTMLElement, boot: BrowserGateway, fragment: StartupFragment): void {
  const services: AppServices = {
    preflight: boot.preflight,
    approveCode: fragment.approveCode,
    reload: () => window.location.reload(),
  };
  createRoot(root).render(
    <StrictMode>
      <PairgateProvider client={boot.client}>
        <AppServicesContext value={services}>
          <App />
        </AppServicesContext>
      </PairgateProvider>
    </StrictMode>,
  );
}
