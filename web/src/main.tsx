// Entry. The first import strips #invite=/#approve= from the address bar and opens the gateway socket
// and the key read before any other module (React included) is evaluated; then React renders.
import { boot, startupFragment } from "./boot/start.js";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.js";
import { AppServicesContext, type AppServices } from "./hooks/app-services.js";
import { PairgateProvider } from "./react/context.js";
import "./styles/index.css";

const services: AppServices = {
  preflight: boot.preflight,
  approveCode: startupFragment.approveCode,
  reload: () => window.location.reload(),
};

const rootElement = document.getElementById("root");
if (!rootElement) throw new Error("index.html has no #root element");
createRoot(rootElement).render(
  <StrictMode>
    <PairgateProvider client={boot.client}>
      <AppServicesContext value={services}>
        <App />
      </AppServicesContext>
    </PairgateProvider>
  </StrictMode>,
);
