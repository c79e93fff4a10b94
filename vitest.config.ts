import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The browser suite has its own config (vitest.e2e.config.ts) and runs with npm run test:e2e.
    exclude: ["test/e2e/**", "**/node_modules/**"],
    // Every file opens its own database, Redis key prefix and port, so files run in parallel;
    // two workers match the two cores of the reference machine.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI also writes a JSON report, from which .ci/run prints its one-line summary.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
