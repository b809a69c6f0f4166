import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // e2e and crash tests start real gateways and Chromium: two cores, so keep files from piling up.
    maxWorkers: 2,
  },
});
