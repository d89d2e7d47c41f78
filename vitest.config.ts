import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // e2e suites start real processes on free ports; keep the machine's two cores from thrashing.
    maxWorkers: 2,
  },
});
