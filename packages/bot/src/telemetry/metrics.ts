// Prometheus metrics: one registry per process (never prom-client's global one, so two app
// instances in one test process do not collide), default process metrics, and the app's own
// counters and histograms. GET /metrics serves `registry.metrics()`. Labels stay low-cardinality:
// kinds, methods, verbs, queues, actions and outcomes, never ids, pods or users.
//
// Shared with the worker (packages/bot/src/telemetry/worker-metrics.ts registers them on its own registry):
//   createSlackApiMetrics  Slack Web API calls by method and result, 429s (metrics-slack.ts)
//   createKubeApiMetrics   Kubernetes API requests from the k8s onRequest hook
//   registerQueueGauges    queue depth and oldest waiting job age, read from BullMQ on scrape
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type Registry as PromRegistry,
  Registry,
} from "prom-client";
import type { RequestInfo } from "../k8s/request.ts";
import { createSlackApiMetrics } from "../slack-web/counted-client.ts";

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: { prefix?: string; defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  const p = options.prefix ?? "rdev_chatops_";
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: p });
  const registers = [registry];
  return {
    registry,
    prefix: p,
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
    /** Time from a request's arrival to its ack (the HTTP answer), by kind (slackRequestKind). */
    ackSeconds: new Histogram({
      name: `${p}slack_ack_seconds`,
      help: "Time to acknowledge a Slack request, by kind (command, action, view, event, rejected, ...)",
      labelNames: ["kind"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    slackApi: createSlackApiMetrics(registry, p),
    alertNotifications: new Counter({
      name: `${p}alertmanager_notifications_total`,
      help: "Alertmanager webhook requests, by HTTP status",
      labelNames: ["status"] as const,
      registers,
    }),
    incidentsOpened: new Counter({
      name: `${p}incidents_opened_total`,
      help: "Incidents opened from Alertmanager notifications, by cluster",
      labelNames: ["cluster"] as const,
      registers,
    }),
    /** What the storm guards did: reopened (flap), suppressed (per-minute cap), dropped (caps). */
    alertGuards: new Counter({
      name: `${p}alert_guard_total`,
      help: "Alert storm guards: incidents reopened within the flap window, incidents suppressed past the per-minute cap, alerts dropped past the per-incident cap, alerts truncated past the per-notification cap",
      labelNames: ["guard"] as const,
      registers,
    }),
    /** Slack posts the app's outbox queue made, by kind and outcome. */
    outboxJobs: new Counter({
      name: `${p}slack_outbox_jobs_total`,
      help: "Slack outbox job runs (root posts, cleared lines, flood summaries), by kind and outcome",
      labelNames: ["kind", "outcome"] as const,
      registers,
    }),
    /** Requests refused by the app's own limits, by limit. */
    limited: new Counter({
      name: `${p}limited_total`,
      help: "Requests refused by a limit (per-user and per-channel command rates, busy /slack/events)",
      labelNames: ["limit"] as const,
      registers,
    }),
    incidentsResolved: new Counter({
      name: `${p}incidents_resolved_total`,
      help: "Incidents resolved, by cluster",
      labelNames: ["cluster"] as const,
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
      help: "Jobs handed to a cluster's worker, by queue kind, outcome and cluster",
      labelNames: ["queue", "outcome", "cluster"] as const,
      registers,
    }),
    approvals: new Counter({
      name: `${p}approvals_total`,
      help: "Approval attempts, by outcome",
      labelNames: ["outcome"] as const,
      registers,
    }),
    /** Decisions on proposals: approved, denied (policy), expired, already_claimed, ... */
    proposalDecisions: new Counter({
      name: `${p}proposal_decisions_total`,
      help: "Decisions on remediation proposals, by action, decision and cluster",
      labelNames: ["action", "decision", "cluster"] as const,
      registers,
    }),
  };
}

/** The kind of a Slack request from its raw body, for the ack histogram's label. Pure, no JSON parse. */
export function slackRequestKind(body: string): string {
  if (/(^|&)command=/.test(body)) return "command";
  if (/(^|&)ssl_check=1/.test(body)) return "ssl_check";
  // Only top-level payload types are in these lists (a container's or view's own "type" is not),
  // so they are found wherever they are in the body.
  const type =
    /(?:^|&)payload=.*?%22type%22%3A%22(block_actions|interactive_message|view_submission|view_closed|shortcut|message_action|block_suggestion)%22/.exec(
      body,
    )?.[1] ?? /"type"\s*:\s*"(event_callback|url_verification)"/.exec(body)?.[1];
  switch (type) {
    case "block_actions":
    case "interactive_message":
      return "action";
    case "view_submission":
    case "view_closed":
      return "view";
    case "shortcut":
    case "message_action":
      return "shortcut";
    case "block_suggestion":
      return "options";
    case "event_callback":
      return "event";
    case "url_verification":
      return "url_verification";
    default:
      return "other";
  }
}

/** Kubernetes API requests by verb, resource and status; pass `onRequest` to connectCluster(). */
export function createKubeApiMetrics(registry: PromRegistry, prefix: string) {
  const registers = [registry];
  const requests = new Counter({
    name: `${prefix}kube_api_requests_total`,
    help: "Kubernetes API requests by verb, resource and code (HTTP status, or timeout/network when none came)",
    labelNames: ["verb", "resource", "code"] as const,
    registers,
  });
  const seconds = new Histogram({
    name: `${prefix}kube_api_request_seconds`,
    help: "Kubernetes API request latency by verb and resource",
    labelNames: ["verb", "resource"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  return {
    requests,
    seconds,
    /** The k8s client's onRequest hook (packages/bot/src/k8s/request.ts). */
    onRequest(info: RequestInfo): void {
      const code = info.status !== null ? String(info.status) : (info.code ?? "unknown");
      requests.inc({ verb: info.verb, resource: info.resource, code });
      seconds.observe({ verb: info.verb, resource: info.resource }, info.ms / 1000);
    },
  };
}

/** What the queue gauges read of a BullMQ Queue. */
export type CountedQueue = {
  name: string;
  getJobCounts(
    ...types: ("waiting" | "active" | "delayed" | "failed" | "prioritized")[]
  ): Promise<Record<string, number>>;
  getJobs(
    types: "waiting"[],
    start: number,
    end: number,
    asc: boolean,
  ): Promise<{ timestamp: number; delay?: number }[]>;
};

const QUEUE_STATES = ["waiting", "active", "delayed", "failed", "prioritized"] as const;

/**
 * Queue depth by state and the age of the oldest waiting job, read from Redis when Prometheus
 * scrapes. A Redis failure leaves the gauges empty for that scrape instead of failing /metrics.
 */
export function registerQueueGauges(
  registry: PromRegistry,
  prefix: string,
  queues: readonly CountedQueue[],
  now: () => number = Date.now,
): void {
  new Gauge({
    name: `${prefix}queue_jobs`,
    help: "Jobs in each BullMQ queue, by state (read on scrape)",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        queues.map(async (q) => {
          const counts = await q.getJobCounts(...QUEUE_STATES).catch(() => null);
          for (const state of QUEUE_STATES) {
            if (counts) this.set({ queue: q.name, state }, counts[state] ?? 0);
          }
        }),
      );
    },
  });
  new Gauge({
    name: `${prefix}queue_oldest_waiting_seconds`,
    help: "Age of the oldest job waiting for a worker, 0 when none waits (read on scrape)",
    labelNames: ["queue"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        queues.map(async (q) => {
          const jobs = await q.getJobs(["waiting"], 0, 0, true).catch(() => null);
          if (!jobs) return;
          // A delayed job waits from when its delay ended, not from when it was added.
          const since = jobs.map((j) => j.timestamp + (j.delay ?? 0));
          const oldest = since.length > 0 ? Math.min(...since) : null;
          this.set({ queue: q.name }, oldest === null ? 0 : Math.max(0, (now() - oldest) / 1000));
        }),
      );
    },
  });
}

/** Open incidents, counted in Redis on scrape (the app's store). */
/** 1 while a cluster's worker heartbeats, 0 while it is unavailable (read from Redis on scrape). */
export function registerWorkerGauge(
  registry: PromRegistry,
  prefix: string,
  workers: { all(): Promise<ReadonlyMap<string, { alive: boolean }>> },
): void {
  new Gauge({
    name: `${prefix}cluster_worker_up`,
    help: "1 while the cluster's worker heartbeats in Redis, 0 while it is unavailable (read on scrape)",
    labelNames: ["cluster"],
    registers: [registry],
    async collect() {
      this.reset();
      const liveness = await workers.all().catch(() => null);
      for (const [cluster, l] of liveness ?? []) this.set({ cluster }, l.alive ? 1 : 0);
    },
  });
}

export function registerIncidentGauge(
  registry: PromRegistry,
  prefix: string,
  incidents: { countOpen(): Promise<number> },
): void {
  new Gauge({
    name: `${prefix}incidents_open`,
    help: "Incidents open right now (read from Redis on scrape)",
    registers: [registry],
    async collect() {
      this.reset();
      const open = await incidents.countOpen().catch(() => null);
      if (open !== null) this.set(open);
    },
  });
}
