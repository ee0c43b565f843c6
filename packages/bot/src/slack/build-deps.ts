// AppDeps from configuration and a Redis producer connection. Used by packages/bot/src/app.ts and by tests
// (which point SLACK_API_URL at the fake Slack and give every test its own key prefixes).

import { randomUUID } from "node:crypto";
import type { webApi } from "@slack/bolt";
import { workerNotices } from "../clusters/heartbeat.ts";
import type { AppConfig } from "../config.ts";
import { createAlertmanagerApi } from "../intake/silences/alertmanager-api.ts";
import { createIncidentStore } from "../intake/store.ts";
import type { Logger } from "../logger.ts";
import { createProposalStore } from "../propose/proposals.ts";
import { createQueues } from "../queue/queues.ts";
import { createSingleFlight } from "../queue/single-flight.ts";
import type { RedisClient } from "../redis.ts";
import { KEY_PREFIX, QUEUE_PREFIX } from "../redis-keys.ts";
import { CountedWebClient } from "../slack-web/counted-client.ts";
import { createUserNames } from "../slack-web/user-names.ts";
import {
  createMetrics,
  type Metrics,
  registerIncidentGauge,
  registerQueueGauges,
  registerWorkerGauge,
} from "../telemetry/metrics.ts";
import { boltLogger } from "./bolt-logger.ts";
import type { AppDeps, AppQueues } from "./deps.ts";
import { createHttpFetch, type HttpFetch } from "./http/http-fetch.ts";
import { createOutbox } from "./outbox/queue.ts";

export type BuildDepsOptions = {
  redis: RedisClient;
  logger: Logger;
  metrics?: Metrics;
  /** Prefix of the stores' and the app's Redis keys (KEY_PREFIX, "{rdev}"). */
  prefix?: string;
  /** BullMQ's key prefix (QUEUE_PREFIX, "{rdev}:bull"). */
  bullPrefix?: string;
  now?: () => number;
  newId?: () => string;
  /** HTTP client for Slack (default: createHttpFetch()). */
  fetch?: HttpFetch;
  instanceId?: string;
};

/** WebClient options shared by Bolt's client and ours. */
export function slackClientOptions(
  config: AppConfig,
  logger: Logger,
  fetch: HttpFetch,
): webApi.WebClientOptions {
  return {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    logger: boltLogger(logger),
    fetch,
  };
}

export function buildAppDeps(config: AppConfig, options: BuildDepsOptions): AppDeps {
  const { redis, logger } = options;
  const prefix = options.prefix ?? KEY_PREFIX;
  const now = options.now ?? Date.now;
  const fetch = options.fetch ?? createHttpFetch();
  const clientOptions = slackClientOptions(config, logger, fetch);
  const metrics = options.metrics ?? createMetrics();
  const incidents = createIncidentStore({
    redis,
    prefix,
    now,
    retentionMs: config.runbook.historyRetentionMs,
    runbookUrl: config.runbook.runbookUrl,
    alertsPerIncidentMax: config.limits.alertsPerIncidentMax,
    flapWindowMs: config.limits.flapWindowMs,
    incidentsPerMinuteMax: config.limits.incidentsPerMinuteMax,
    // Longer than an outbox post may take, so a slow Slack cannot let a second root through.
    rootClaimLeaseMs: Math.max(30_000, 3 * config.limits.slackPostTimeoutMs),
  });
  const bull = { connection: redis, prefix: options.bullPrefix ?? QUEUE_PREFIX };
  const workerQueues = createQueues({
    ...bull,
    durability: config.redisDurability,
    clusters: config.clusters.names,
  });
  // The app's own Slack posts (packages/bot/src/slack/outbox): served by a worker inside the app.
  const outbox = createOutbox(bull);
  const queues: AppQueues = {
    ...workerQueues,
    outbox,
    close: async () => {
      await Promise.all([workerQueues.close(), outbox.close()]);
    },
  };
  // Read from Redis when /metrics is scraped.
  registerIncidentGauge(metrics.registry, metrics.prefix, incidents);
  const workers = workerNotices({ redis, prefix, clusters: config.clusters.names, now });
  registerWorkerGauge(metrics.registry, metrics.prefix, workers);
  registerQueueGauges(metrics.registry, metrics.prefix, [...queues.all(), queues.outbox.queue], now);
  const slack = new CountedWebClient(config.slack.botToken, clientOptions, metrics.slackApi);
  return {
    config,
    fetch,
    slack,
    slackUpdates: new CountedWebClient(
      config.slack.botToken,
      {
        ...clientOptions,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
      },
      metrics.slackApi,
    ),
    // The outbox's posts: no client-side retries (the queue retries, and delays 429s by
    // Retry-After) and a timeout, so a hanging Slack frees the job instead of holding it.
    slackOutbox: new CountedWebClient(
      config.slack.botToken,
      {
        ...clientOptions,
        fetch: createHttpFetch({ idleTimeoutMs: config.limits.slackPostTimeoutMs }),
        timeout: config.limits.slackPostTimeoutMs,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
      },
      metrics.slackApi,
    ),
    incidents,
    proposals: createProposalStore({ redis, prefix, now, signingKey: config.approvalSigningKey }),
    queues,
    workers,
    bullPrefix: options.bullPrefix ?? QUEUE_PREFIX,
    redis,
    prefix,
    metrics,
    logger,
    now,
    newId: options.newId ?? (() => randomUUID()),
    instanceId: options.instanceId ?? randomUUID(),
    userNames: createUserNames(slack, { now }),
    flights: createSingleFlight({ redis, prefix }),
    alertmanager: config.runbook.alertmanagerUrl
      ? createAlertmanagerApi({ baseUrl: config.runbook.alertmanagerUrl })
      : null,
  };
}
