// The worker's settings (packages/bot/src/worker.ts), validated together with the runbook settings.
import { z } from "zod";
import { ClusterName, DEFAULT_CLUSTER } from "../clusters/names.ts";
import type { ApprovalPolicy } from "./approval.ts";
import { ApprovalEnvShape, approvalSettings } from "./approval.ts";
import {
  type Durability,
  RedisEnvShape,
  type RedisTarget,
  redisDurability,
  redisProblems,
  redisTarget,
} from "./redis.ts";
import { type Config, parseWith } from "./runbook.ts";
import { booleanFlag, duration, parseDuration } from "./shared.ts";

// Durations are
// cluster time: against a simulator running CLUSTER_CLOCK_SPEED times faster, the worker waits
// window / speed real milliseconds.

const positiveDuration = (fallback: string) =>
  // Malformed values are reported by the duration pattern alone, not twice.
  duration.default(fallback).refine((text) => (parseDuration(text) ?? 1) > 0, "must be longer than 0");

export const WorkerEnvSchema = z.object({
  ...RedisEnvShape,
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, "must be a bot token (xoxb-...)"),
  SLACK_API_URL: z
    .url({ error: "must be a URL like https://slack.com/api/" })
    .transform((u) => (u.endsWith("/") ? u : `${u}/`))
    .optional(),
  /** The cluster this worker runs in: it consumes only this cluster's queues (packages/bot/src/clusters/names.ts). */
  CLUSTER: ClusterName.default(DEFAULT_CLUSTER),
  /** How often the worker renews its heartbeat in Redis; it lapses after three missed beats. */
  WORKER_HEARTBEAT_INTERVAL: positiveDuration("10s"),
  /** Port of /healthz and /metrics (0: a free port, printed at start). */
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(9091),
  WORKER_HOST: z.string().min(1).default("0.0.0.0"),
  /** Jobs processed at once per queue. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** How long after an action verification starts (memory settles, caches refill). */
  STABILISATION_WINDOW: positiveDuration("5m"),
  VERIFY_SAMPLES: z.coerce
    .number()
    .int()
    .min(2, "must be at least 2 (a trend needs two points)")
    .max(20)
    .default(3),
  VERIFY_SAMPLE_INTERVAL: positiveDuration("30s"),
  /** How long a rollout may take before the action is reported as stuck. */
  ROLLOUT_DEADLINE: positiveDuration("10m"),
  ROLLOUT_POLL_INTERVAL: positiveDuration("5s"),
  /** restart-pod deletes the pod (still UID-checked) when the Eviction API is forbidden or missing. */
  ALLOW_DELETE_FALLBACK: booleanFlag(false),
  PROPOSAL_TTL: duration.default("30m"),
  /** Two heap profiles of a pod whose OOM kill is forecast within this (cluster time); 0s: never. */
  HEAP_GROWTH_HORIZON: duration.default("1h"),
  /** At most one heap-growth measurement per pod per interval (cluster time). */
  HEAP_CAPTURE_MIN_INTERVAL: positiveDuration("15m"),
  /** One heap profile through the pod proxy may take this long (real time)... */
  HEAP_CAPTURE_TIMEOUT: positiveDuration("5s"),
  /** ...and one that took longer than this means the proxy is slow: no more captures from it. */
  HEAP_CAPTURE_SLOW: positiveDuration("2s"),
  /** At most one chat.update of an incident's root per interval, shared with the app (real time). */
  ROOT_UPDATE_MIN_INTERVAL: duration.default("10s"),
  /** A job whose worker stops renewing its lock for this long is taken over by another worker. */
  WORKER_LOCK_DURATION: positiveDuration("30s"),
  WORKER_STALLED_INTERVAL: positiveDuration("30s"),
  WORKER_WATCHDOG_INTERVAL: positiveDuration("30s"),
  /** On SIGTERM, how long in-flight jobs may take to finish before the worker stops anyway. */
  WORKER_SHUTDOWN_GRACE: positiveDuration("25s"),
  /** Simulated clusters only: how much faster than real time the cluster's clock runs. */
  CLUSTER_CLOCK_SPEED: z.coerce.number().positive().default(1),
  /** Simulated clusters only: the real time (ms since the epoch) at which cluster time was real time. */
  CLUSTER_CLOCK_EPOCH: z.coerce.number().int().nonnegative().optional(),
  /** Prometheus' base URL for the diagnosis' memory chart (query_range); unset: the last diagnoses. */
  PROMETHEUS_URL: z.url({ error: "must be a URL like http://prometheus-k8s.monitoring.svc:9090" }).optional(),
  // The approval policy, checked again by the worker on every remediate job.
  ...ApprovalEnvShape,
  /** An approval older than this is not run (a replayed or long-stuck job); ask for a new one. */
  APPROVAL_MAX_AGE: positiveDuration("1h"),
});
export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;

export type WorkerConfig = {
  runbook: Config;
  /** REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES (config/redis.ts). */
  redis: RedisTarget;
  /** REDIS_WAIT_REPLICAS / REDIS_WAIT_TIMEOUT: replicas an approved job and a used proposal wait for. */
  redisDurability: Durability;
  /** CLUSTER: the cluster whose queues this worker consumes and whose proposals it may run. */
  cluster: string;
  /** WORKER_HEARTBEAT_INTERVAL (real time); the heartbeat TTL is three of them. */
  heartbeatIntervalMs: number;
  slack: { botToken: string; apiUrl: string | null };
  http: { port: number; host: string };
  concurrency: number;
  stabilisationWindowMs: number;
  verifySamples: number;
  verifySampleIntervalMs: number;
  rolloutDeadlineMs: number;
  rolloutPollIntervalMs: number;
  allowDeleteFallback: boolean;
  proposalTtlMs: number;
  rootUpdateMinIntervalMs: number;
  heapGrowthHorizonMs: number;
  heapCaptureMinIntervalMs: number;
  heapCaptureTimeoutMs: number;
  heapCaptureSlowMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** WORKER_WATCHDOG_INTERVAL: how often a queue worker with due work and nothing running is looked at. */
  watchdogIntervalMs: number;
  shutdownGraceMs: number;
  clusterClock: { speed: number; epochMs: number | null };
  /** PROMETHEUS_URL, for the diagnosis' memory chart; null: charted from the last diagnoses. */
  prometheusUrl: string | null;
  /** The policy approvals are checked against again before any remediation runs. */
  approval: ApprovalPolicy;
  /** The key approvals are sealed with (APPROVAL_SIGNING_KEY, or derived from the bot token). */
  approvalSigningKey: Buffer;
  /** APPROVAL_MAX_AGE: how long after its approval a remediate job may still run. */
  approvalMaxAgeMs: number;
};
/** Runbook + Redis + Slack + worker settings; one ConfigError lists every problem. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const { runbook, e } = parseWith(env, WorkerEnvSchema, (cleaned, parsed) => [
    ...redisProblems(cleaned),
    ...(parsed && parsed.CLUSTER_CLOCK_SPEED !== 1 && parsed.CLUSTER_CLOCK_EPOCH === undefined
      ? [
          "CLUSTER_CLOCK_EPOCH: is required when CLUSTER_CLOCK_SPEED is not 1 (the simulator's start, ms since the epoch)",
        ]
      : []),
  ]);
  const ms = (text: string) => parseDuration(text) ?? 0;
  return {
    runbook,
    redis: redisTarget(e),
    redisDurability: redisDurability(e),
    cluster: e.CLUSTER,
    heartbeatIntervalMs: ms(e.WORKER_HEARTBEAT_INTERVAL),
    slack: { botToken: e.SLACK_BOT_TOKEN, apiUrl: e.SLACK_API_URL ?? null },
    http: { port: e.WORKER_PORT, host: e.WORKER_HOST },
    concurrency: e.WORKER_CONCURRENCY,
    stabilisationWindowMs: ms(e.STABILISATION_WINDOW),
    verifySamples: e.VERIFY_SAMPLES,
    verifySampleIntervalMs: ms(e.VERIFY_SAMPLE_INTERVAL),
    rolloutDeadlineMs: ms(e.ROLLOUT_DEADLINE),
    rolloutPollIntervalMs: ms(e.ROLLOUT_POLL_INTERVAL),
    allowDeleteFallback: e.ALLOW_DELETE_FALLBACK,
    proposalTtlMs: ms(e.PROPOSAL_TTL),
    rootUpdateMinIntervalMs: ms(e.ROOT_UPDATE_MIN_INTERVAL),
    heapGrowthHorizonMs: ms(e.HEAP_GROWTH_HORIZON),
    heapCaptureMinIntervalMs: ms(e.HEAP_CAPTURE_MIN_INTERVAL),
    heapCaptureTimeoutMs: ms(e.HEAP_CAPTURE_TIMEOUT),
    heapCaptureSlowMs: ms(e.HEAP_CAPTURE_SLOW),
    lockDurationMs: ms(e.WORKER_LOCK_DURATION),
    stalledIntervalMs: ms(e.WORKER_STALLED_INTERVAL),
    watchdogIntervalMs: ms(e.WORKER_WATCHDOG_INTERVAL),
    shutdownGraceMs: ms(e.WORKER_SHUTDOWN_GRACE),
    clusterClock: { speed: e.CLUSTER_CLOCK_SPEED, epochMs: e.CLUSTER_CLOCK_EPOCH ?? null },
    prometheusUrl: e.PROMETHEUS_URL ?? null,
    ...approvalSettings(e),
    approvalMaxAgeMs: ms(e.APPROVAL_MAX_AGE),
  };
}
