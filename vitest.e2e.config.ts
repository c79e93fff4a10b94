import { defineConfig } from "vitest/config";

/**
 * Browser end-to-end tests: each file starts its own game server in a child process and drives
 * Debian's Chromium. They run with `npm run test:e2e`, apart from the unit and integration suite.
 */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/support/global-setup.ts"],
    // One file at a time: a file runs a server, Chromium and sometimes a bot, which already fill
    // the two cores of the reference machine, and the latency test measures frame timing.
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CI also writes a JSON report, which .ci/run adds to its one-line summary.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/vitest-e2e.json" },
  },
});
