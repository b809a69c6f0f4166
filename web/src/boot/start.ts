// Starts the gateway connection, the key read and the pre-flight checks as a module side effect, so they
// begin before React's modules are even evaluated (main.tsx imports this first).
import { createBrowserGateway } from "./create-gateway.js";
import { startupFragment } from "./startup-fragment.js";

export { startupFragment };
export const boot = createBrowserGateway(startupFragment);
