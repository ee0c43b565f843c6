// The worker's configuration: defaults, every problem in one error, and the cluster clock.

import { ConfigError, loadWorkerConfig, redactSecrets } from "@rdev/bot/config.ts";
import { clusterClock } from "@rdev/bot/worker/main.ts";
import { describe, expect, it } from "vitest";

const REQUIRED = { REDIS_URL: "redis://127.0.0.1:6379", SLACK_BOT_TOKEN: "xoxb-1-2-3" };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadWorkerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadWorkerConfig", () => {
  it("has the runbook's defaults", () => {
    const c = loadWorkerConfig(REQUIRED);
    expect(c).toMatchObject({
      redis: { kind: "single", url: "redis://127.0.0.1:6379" },
      slack: { botToken: "xoxb-1-2-3", apiUrl: null },
      http: { port: 9091, host: "0.0.0.0" },
      concurrency: 4,
      stabilisationWindowMs: 300_000,
      verifySamples: 3,
      verifySampleIntervalMs: 30_000,
      rolloutDeadlineMs: 600_000,
      rolloutPollIntervalMs: 5000,
      allowDeleteFallback: false,
      proposalTtlMs: 1_800_000,
      lockDurationMs: 30_000,
      shutdownGraceMs: 25_000,
      clusterClock: { speed: 1, epochMs: null },
    });
    expect(c.runbook.target.namespace).toBe("rdev");
  });

  it("reads milliseconds for tests and the flags", () => {
    const c = loadWorkerConfig({
      ...REQUIRED,
      STABILISATION_WINDOW: "200ms",
      VERIFY_SAMPLES: "5",
      ALLOW_DELETE_FALLBACK: "true",
      WORKER_CONCURRENCY: "16",
      SLACK_API_URL: "http://127.0.0.1:1234/api",
    });
    expect(c).toMatchObject({
      stabilisationWindowMs: 200,
      verifySamples: 5,
      allowDeleteFallback: true,
      concurrency: 16,
      slack: { apiUrl: "http://127.0.0.1:1234/api/" },
    });
  });

  it("lists every problem of the runbook and the worker settings in one error, secrets hidden", () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: "xoxp-user-token",
      RDEV_PORT: "eighty",
      STABILISATION_WINDOW: "5 minutes",
      VERIFY_SAMPLES: "1",
      ROLLOUT_DEADLINE: "0s",
      ALLOW_DELETE_FALLBACK: "maybe",
      CLUSTER_CLOCK_SPEED: "60",
    });
    expect(problems).toEqual([
      expect.stringMatching(/^RDEV_PORT: /),
      "SLACK_BOT_TOKEN: must be a bot token (xoxb-...) (value hidden)",
      expect.stringMatching(/^STABILISATION_WINDOW: must be a duration like 30s, 5m, 1h \(got "5 minutes"\)/),
      expect.stringMatching(/^VERIFY_SAMPLES: must be at least 2/),
      'ROLLOUT_DEADLINE: must be longer than 0 (got "0s")',
      expect.stringMatching(/^ALLOW_DELETE_FALLBACK: must be true or false/),
      expect.stringMatching(/^REDIS_URL: is required \(redis:\/\/host:6379\), unless REDIS_SENTINELS/),
    ]);
  });

  it("never echoes a secret: URL credentials and tokens are redacted wherever a value is shown", () => {
    const problems = problemsOf({
      REDIS_URL: "rediss//:hunter2@redis.internal:6380",
      SLACK_BOT_TOKEN: "xoxb-1-2-3",
      PROMETHEUS_URL: "http://admin:s3cret@prometheus xoxb-9-9-leaked",
      APPROVAL_SIGNING_KEY: "short-key",
      RDEV_SELECTOR: "app=x,token=xapp-1-A-secret",
    });
    const all = problems.join("\n");
    for (const secret of ["hunter2", "s3cret", "xoxb-9-9-leaked", "short-key", "xapp-1-A-secret"])
      expect(all).not.toContain(secret);
    expect(problems).toContainEqual(
      'REDIS_URL: must look like redis://host:6379 (got "rediss//***@redis.internal:6380")',
    );
    expect(problems).toContainEqual(
      "APPROVAL_SIGNING_KEY: must be at least 32 characters (openssl rand -hex 32) (value hidden)",
    );
  });

  it.each([
    ["redis://:pass@host:6379/0", "redis://***@host:6379/0"],
    ["rediss://user:pass@host", "rediss://***@host"],
    ["rediss//:pass@host", "rediss//***@host"],
    ["redis://host:6379", "redis://host:6379"],
    ["user:pass@host:6379", "***@host:6379"],
    ["token xoxb-123-abc and xapp-1-X", "token xox*-*** and xox*-***"],
  ])("redactSecrets(%j) = %j", (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it("needs the epoch when the cluster clock is sped up", () => {
    expect(problemsOf({ ...REQUIRED, CLUSTER_CLOCK_SPEED: "60" })).toEqual([
      expect.stringMatching(/^CLUSTER_CLOCK_EPOCH: is required when CLUSTER_CLOCK_SPEED is not 1/),
    ]);
  });
});

describe("clusterClock", () => {
  it("is real time at speed 1", () => {
    expect(clusterClock({ speed: 1, epochMs: null }, () => 123).now()).toBeGreaterThan(1_700_000_000_000);
  });

  it("follows a simulator that runs `speed` times faster since the epoch", () => {
    let real = 1_000_000;
    const clock = clusterClock({ speed: 60, epochMs: 400_000 }, () => real);
    expect(clock.now()).toBe(400_000 + 600_000 * 60);
    real += 1000;
    expect(clock.now()).toBe(400_000 + 601_000 * 60);
  });
});
