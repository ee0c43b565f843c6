// Prometheus metrics: one registry per process (never prom-client's global one, so two app
// instances in one test process do not collide), default process metrics, and the app's own
// counters and histograms. GET /metrics serves `registry.metrics()`.
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: { prefix?: string; defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  const p = options.prefix ?? "rdev_chatops_";
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: p });
  const registers = [registry];
  return {
    registry,
    /** Slack requests that reached a listener, by kind (command, action, view, event). */
    slackRequests: new Counter({
      name: `${p}slack_requests_total`,
      help: "Slack requests handled, by kind",
      labelNames: ["kind"] as const,
      registers,
    }),
    /** Requests refused before Bolt: bad signature, stale or replayed. */
    slackRejected: new Counter({
      name: `${p}slack_rejected_total`,
      help: "Slack requests refused by the replay guard, by reason",
      labelNames: ["reason"] as const,
      registers,
    }),
    /** Time from a request's arrival to its ack. */
    ackSeconds: new Histogram({
      name: `${p}slack_ack_seconds`,
      help: "Time to acknowledge a Slack request",
      labelNames: ["kind"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    slackApiCalls: new Counter({
      name: `${p}slack_api_calls_total`,
      help: "Slack Web API calls made by the app, by method and outcome",
      labelNames: ["method", "outcome"] as const,
      registers,
    }),
    alertNotifications: new Counter({
      name: `${p}alertmanager_notifications_total`,
      help: "Alertmanager webhook requests, by HTTP status",
      labelNames: ["status"] as const,
      registers,
    }),
    incidentsOpened: new Counter({
      name: `${p}incidents_opened_total`,
      help: "Incidents opened from Alertmanager notifications",
      registers,
    }),
    incidentsResolved: new Counter({
      name: `${p}incidents_resolved_total`,
      help: "Incidents resolved",
      registers,
    }),
    rootUpdates: new Counter({
      name: `${p}incident_root_updates_total`,
      help: "Incident root message renders, by outcome (updated, coalesced, rate_limited)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    jobsEnqueued: new Counter({
      name: `${p}jobs_enqueued_total`,
      help: "Jobs handed to the worker, by queue and outcome",
      labelNames: ["queue", "outcome"] as const,
      registers,
    }),
    approvals: new Counter({
      name: `${p}approvals_total`,
      help: "Approval attempts, by outcome",
      labelNames: ["outcome"] as const,
      registers,
    }),
  };
}
