// The worker's Prometheus metrics, on its own registry (two workers in one test process do not
// collide). GET /metrics on the worker's port serves `registry.metrics()`. The Slack and
// Kubernetes API metrics are the app's (packages/bot/src/slack-web/counted-client.ts, packages/bot/src/telemetry/metrics.ts), under this prefix.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { createSlackApiMetrics } from "../slack-web/counted-client.ts";
import { createKubeApiMetrics } from "./metrics.ts";

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

export function createWorkerMetrics(options: { prefix?: string; defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  const p = options.prefix ?? "rdev_worker_";
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: p });
  const registers = [registry];
  return {
    registry,
    prefix: p,
    /** Slack Web API calls by method and result (createWorkerSlack counts on it). */
    slackApi: createSlackApiMetrics(registry, p),
    /** Kubernetes API requests (its onRequest is connectCluster's hook). */
    kubeApi: createKubeApiMetrics(registry, p),
    jobs: new Counter({
      name: `${p}jobs_total`,
      help: "Job runs by queue and outcome (completed, delayed, retry, failed, invalid)",
      labelNames: ["queue", "outcome"] as const,
      registers,
    }),
    jobSeconds: new Histogram({
      name: `${p}job_run_seconds`,
      help: "Time one run (step) of a job took",
      labelNames: ["queue"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    pickupSeconds: new Histogram({
      name: `${p}job_pickup_seconds`,
      help: "Time from a job being added to its first run starting",
      labelNames: ["queue"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    }),
    actions: new Counter({
      name: `${p}actions_total`,
      help: "Remediation outcomes by action and outcome (applied, already_done, nothing_to_do, refused, failed)",
      labelNames: ["action", "outcome"] as const,
      registers,
    }),
    refused: new Counter({
      name: `${p}remediations_refused_total`,
      help: "Remediate jobs refused before touching the cluster, by reason (unknown_proposal, not_approved, bad_seal, policy, wrong_target, wrong_cluster, altered_action, altered_params, altered_target, reused, wrong_job_id)",
      labelNames: ["reason"] as const,
      registers,
    }),
    verifications: new Counter({
      name: `${p}verifications_total`,
      help: "Verification results by action and result (passed, failed)",
      labelNames: ["action", "result"] as const,
      registers,
    }),
    rootUpdates: new Counter({
      name: `${p}incident_root_updates_total`,
      help: "Incident root message renders by the worker, by outcome (updated, coalesced, rate_limited)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    slackRateLimited: new Counter({
      name: `${p}slack_rate_limited_total`,
      help: "Slack calls answered 429; the job was delayed by Retry-After",
      registers,
    }),
    inFlight: new Gauge({
      name: `${p}jobs_in_flight`,
      help: "Jobs being processed right now",
      labelNames: ["queue"] as const,
      registers,
    }),
  };
}
