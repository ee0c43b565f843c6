import { defineConfig } from "vitest/config";

// CI sets VITEST_JSON_REPORT to a path so it can print a plain "N passed, N failed" line.
const jsonReport = process.env.VITEST_JSON_REPORT;

// The store and queue suites run once more on each other Redis topology (test/support/redis-topology.ts):
// a three-master Redis Cluster and a Sentinel-managed master. Everything else runs on one server.
const TOPOLOGY_SUITES = [
  "test/incidents/store.test.ts",
  "test/remediation/proposals.test.ts",
  "test/history/store.test.ts",
  "test/app/queues.test.ts",
  "test/app/redis-scripts.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: jsonReport ? ["default", ["json", { outputFile: jsonReport }]] : ["default"],
    projects: [
      { extends: true, test: { name: "main", include: ["test/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "redis-cluster", include: TOPOLOGY_SUITES, env: { RDEV_TEST_REDIS: "cluster" } },
      },
      {
        extends: true,
        test: { name: "redis-sentinel", include: TOPOLOGY_SUITES, env: { RDEV_TEST_REDIS: "sentinel" } },
      },
    ],
  },
});
