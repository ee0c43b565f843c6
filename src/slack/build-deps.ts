// AppDeps from configuration and a Redis producer connection. Used by src/app.ts and by tests
// (which point SLACK_API_URL at the fake Slack and give every test its own key prefixes).
import { randomUUID } from "node:crypto";
import { webApi } from "@slack/bolt";
import type { Redis } from "ioredis";
import type { AppConfig } from "../config.ts";
import { createIncidentStore } from "../incidents/store.ts";
import type { Logger } from "../logger.ts";
import { createMetrics, type Metrics } from "../metrics.ts";
import { createQueues } from "../queue/queues.ts";
import { createProposalStore } from "../remediation/proposals.ts";
import { boltLogger } from "./bolt-logger.ts";
import type { AppDeps } from "./deps.ts";

export type BuildDepsOptions = {
  redis: Redis;
  logger: Logger;
  metrics?: Metrics;
  /** Prefix of the stores' and the app's Redis keys ("rdev"). */
  prefix?: string;
  /** BullMQ's key prefix ("bull"). */
  bullPrefix?: string;
  now?: () => number;
  newId?: () => string;
  instanceId?: string;
};

/** WebClient options shared by Bolt's client and ours. */
export function slackClientOptions(config: AppConfig, logger: Logger): webApi.WebClientOptions {
  return {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    logger: boltLogger(logger),
  };
}

export function buildAppDeps(config: AppConfig, options: BuildDepsOptions): AppDeps {
  const { redis, logger } = options;
  const prefix = options.prefix ?? "rdev";
  const now = options.now ?? Date.now;
  const clientOptions = slackClientOptions(config, logger);
  return {
    config,
    slack: new webApi.WebClient(config.slack.botToken, clientOptions),
    slackUpdates: new webApi.WebClient(config.slack.botToken, {
      ...clientOptions,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    }),
    incidents: createIncidentStore({ redis, prefix, now }),
    proposals: createProposalStore({ redis, prefix, now }),
    queues: createQueues({
      connection: redis,
      ...(options.bullPrefix ? { prefix: options.bullPrefix } : {}),
    }),
    redis,
    prefix,
    metrics: options.metrics ?? createMetrics(),
    logger,
    now,
    newId: options.newId ?? (() => randomUUID()),
    instanceId: options.instanceId ?? randomUUID(),
  };
}
