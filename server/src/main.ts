// Entry of the built gateway bundle (dist/server/main.js): the CLI, plus the pieces benches and tests start directly.
export { main } from "./cli/main.js";
export { createGateway } from "./gateway.js";
export { buildConfig } from "./config/config.js";
