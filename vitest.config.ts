import { defineConfig } from "vitest/config";

// Tests that create network namespaces and veth links make every running Chromium see a network change
// (ERR_NETWORK_CHANGED). They run in their own group, one file at a time, after everything else.
const NETNS_TESTS = [
  "test/integration/deploy-netns.test.ts",
  "test/integration/deploy-reverse-proxy.test.ts",
  "test/integration/deploy-ssh-tunnel.test.ts",
  "test/integration/deploy-dockerfile.test.ts",
  // Podman's bridge and its veth links are network changes too.
  "test/integration/deploy-container.test.ts",
];

export default defineConfig({
  test: {
    globalSetup: ["test/global-setup.ts"],
    // FC_SEED / FC_PATH replay a failed property test; see the file.
    setupFiles: ["test/fast-check-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // e2e and crash tests start real gateways and Chromium: two cores, so keep files from piling up.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "main", include: ["test/**/*.test.ts"], exclude: NETNS_TESTS, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "netns", include: NETNS_TESTS, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
