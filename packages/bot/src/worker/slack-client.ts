// The worker's Slack Web API client. Rate-limited calls are rejected (not slept on): the job is
// moved back to the queue for Retry-After instead, so no handler holds a job lock for minutes.
// Other failures (5xx, network) get two quick retries, then the queue's backoff takes over.
// Every call is counted by method and result on the worker's metrics.
import { LogLevel } from "@slack/web-api";
import { CountedWebClient, type SlackApiMetrics } from "../slack-web/counted-client.ts";

export function createWorkerSlack(
  options: { token: string; apiUrl: string | null },
  metrics: SlackApiMetrics,
): CountedWebClient {
  return new CountedWebClient(
    options.token,
    {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000, randomize: false },
      timeout: 15_000,
      logLevel: LogLevel.ERROR,
    },
    metrics,
  );
}
