// Everything the Slack app's handlers use, passed in as one object: tests build it from real
// Redis, the fake Slack Web API and a manual clock; packages/bot/src/app.ts from configuration.
import type { webApi } from "@slack/bolt";
import type { WorkerNotices } from "../clusters/heartbeat.ts";
import type { AppConfig } from "../config.ts";
import type { AlertmanagerApi } from "../intake/silences/alertmanager-api.ts";
import type { IncidentStore } from "../intake/store.ts";
import type { Logger } from "../logger.ts";
import type { ProposalStore } from "../propose/proposals.ts";
import type { Queues } from "../queue/queues.ts";
import type { SingleFlight } from "../queue/single-flight.ts";
import type { RedisClient } from "../redis.ts";
import type { UserNames } from "../slack-web/user-names.ts";
import type { Metrics } from "../telemetry/metrics.ts";
import type { HttpFetch } from "./http/http-fetch.ts";
import type { Outbox } from "./outbox/queue.ts";

export type WebClient = webApi.WebClient;

export type AppDeps = {
  config: AppConfig;
  /** Web API client; retries 429s itself (honouring Retry-After). */
  slack: WebClient;
  /**
   * Web API client for incident root updates: rate-limited calls are rejected, not retried, so the
   * root updater can push its gate back by Retry-After and render the latest state later.
   */
  slackUpdates: WebClient;
  /** Web API client of the Slack outbox: no retries of its own, 429s rejected, a timeout. */
  slackOutbox: WebClient;
  /** HTTP client of both WebClients and of response_url posts (keep-alive node:http). */
  fetch: HttpFetch;
  incidents: IncidentStore;
  proposals: ProposalStore;
  queues: AppQueues;
  /** Each cluster's worker liveness (heartbeats): what incidents and status threads say when one is down. */
  workers: WorkerNotices;
  /** BullMQ's key prefix (QUEUE_PREFIX), for the app's own outbox worker. */
  bullPrefix: string;
  /** Producer connection (fails fast): update gates, replay guard, readiness. */
  redis: RedisClient;
  /** Key prefix for the app's own Redis keys (gates, replay guard). */
  prefix: string;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
  newId: () => string;
  /** People's display names (users.info, cached), for files where a mention stays an id. */
  userNames: UserNames;
  /** Single-flight diagnoses for `/rdev mem status` (one in flight per target). */
  flights: SingleFlight;
  /** Alertmanager's v2 API (silences), when ALERTMANAGER_URL is set. */
  alertmanager: AlertmanagerApi | null;
  /** Distinguishes app replicas in claims and logs. */
  instanceId: string;
};

/** The worker's queues the app feeds, and the app's own Slack outbox. */
export type AppQueues = Queues & { outbox: Outbox };
