// CLUSTERS, CLUSTER_LABEL (app) and CLUSTER, WORKER_HEARTBEAT_INTERVAL (worker): defaults that keep
// a single-cluster setup as it was, and one clear error for a bad value.

import { ConfigError, loadAppConfig, loadWorkerConfig } from "@rdev/bot/config.ts";
import { describe, expect, it } from "vitest";

const app = {
  SLACK_BOT_TOKEN: "xoxb-1-test",
  SLACK_SIGNING_SECRET: "test-signing-secret",
  ALERT_CHANNEL: "C0123ABCD",
  ALERTMANAGER_TOKEN: "test-alertmanager-token-0123",
  REDIS_URL: "redis://127.0.0.1:6379",
};
const worker = { SLACK_BOT_TOKEN: "xoxb-1-test", REDIS_URL: "redis://127.0.0.1:6379" };

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
};

describe("cluster settings", () => {
  it("default to the one default cluster and the `cluster` label", () => {
    expect(loadAppConfig(app).clusters).toEqual({ names: ["default"], label: "cluster" });
    expect(loadWorkerConfig(worker)).toMatchObject({ cluster: "default", heartbeatIntervalMs: 10_000 });
  });

  it("read a list of clusters, the label and the worker's own cluster", () => {
    expect(
      loadAppConfig({ ...app, CLUSTERS: "prod-eu, staging", CLUSTER_LABEL: "k8s_cluster" }).clusters,
    ).toEqual({
      names: ["prod-eu", "staging"],
      label: "k8s_cluster",
    });
    expect(
      loadWorkerConfig({ ...worker, CLUSTER: "prod-eu", WORKER_HEARTBEAT_INTERVAL: "2s" }),
    ).toMatchObject({
      cluster: "prod-eu",
      heartbeatIntervalMs: 2000,
    });
  });

  it("refuse bad names, a cluster named twice and a bad label, each said once", () => {
    expect(problems(() => loadAppConfig({ ...app, CLUSTERS: "Prod_EU" }))).toEqual([
      expect.stringMatching(/^CLUSTERS: .*must be a cluster name/),
    ]);
    expect(problems(() => loadAppConfig({ ...app, CLUSTERS: "a,b,a" }))).toEqual([
      'CLUSTERS: must not name a cluster twice (got "a,b,a")',
    ]);
    expect(problems(() => loadAppConfig({ ...app, CLUSTER_LABEL: "1cluster" }))).toEqual([
      'CLUSTER_LABEL: must be a Prometheus label name (got "1cluster")',
    ]);
    expect(problems(() => loadWorkerConfig({ ...worker, CLUSTER: "prod:eu" }))).toEqual([
      expect.stringMatching(/^CLUSTER: must be a cluster name/),
    ]);
  });
});
