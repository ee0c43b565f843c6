// The worker's Slack Web API client. Rate-limited calls are rejected (not slept on): the job is
// moved back to the queue for Retry-After instead, so no handler holds a job lock for minutes.
// Other failures (5xx, network) get two quick retries, then the queue's backoff takes over.
import { LogLevel, WebClient } from "@slack/web-api";

export function createWorkerSlack(options: { token: string; apiUrl: string | null }): WebClient {
  return new WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000, randomize: false },
    timeout: 15_000,
    logLevel: LogLevel.ERROR,
  });
}
