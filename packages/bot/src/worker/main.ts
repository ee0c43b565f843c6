// Builds the worker process from configuration: cluster credentials, Redis (worker connections for
// the queue workers, one for the stores and the verify producer), the Slack client, the stores,
// metrics (Slack and Kubernetes API calls, queue depth), the BullMQ workers and the /healthz +
// /metrics server. packages/bot/src/worker.ts calls this and handles signals; tests and benchmarks call it
// directly.
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { type Clock, ScaledClock, systemClock } from "../clock.ts";
import { readLiveness, startHeartbeat } from "../clusters/heartbeat.ts";
import { clusterOf, DEFAULT_CLUSTER, queueName } from "../clusters/names.ts";
import type { WorkerConfig } from "../config.ts";
import { createDiagnosisDetailsStore } from "../history/diagnosis-details.ts";
import { createSnapshotStore } from "../history/snapshots.ts";
import { createIncidentStore } from "../intake/store.ts";
import { connectCluster } from "../k8s/index.ts";
import type { Cluster } from "../k8s/types.ts";
import { createLogger, type Logger } from "../logger.ts";
import { createProposalStore } from "../propose/proposals.ts";
import { createSingleFlight } from "../queue/single-flight.ts";
import { createRedis, type RedisClient } from "../redis.ts";
import { KEY_PREFIX, QUEUE_PREFIX } from "../redis-keys.ts";
import { highMemoryRunbook } from "../runbooks/high-memory/index.ts";
import { createRootUpdater } from "../slack/alerts/root-updater.ts";
import { createGroupMembership } from "../slack/approvals/user-groups.ts";
import { registerQueueGauges } from "../telemetry/metrics.ts";
import { createWorkerMetrics } from "../telemetry/worker-metrics.ts";
import { diagnosisHistory, type MemoryHistoryProvider, prometheusHistory } from "./chart.ts";
import type { WorkerDeps, WorkerEvent } from "./deps.ts";
import { type HealthServer, startHealthServer } from "./http.ts";
import { type QueueKind, startWorkerRuntime, type WorkerRuntime } from "./runtime.ts";
import { createWorkerSlack } from "./slack-client.ts";

export type WorkerProcess = {
  deps: WorkerDeps;
  runtime: WorkerRuntime;
  server: HealthServer;
  /** Graceful stop: no new jobs, in-flight ones finish (or are interrupted after the grace period). */
  stop(graceMs?: number): Promise<{ interrupted: string[] }>;
  /** Drops every connection without waiting (tests, after an interrupted stop). */
  disconnect(): void;
};

export type StartOptions = {
  /** Overrides for tests and benchmarks (an injected cluster's requests are not counted). */
  cluster?: Cluster;
  logger?: Logger;
  prefix?: string;
  /** Redis key prefix of the incident and proposal stores (default KEY_PREFIX, like the app). */
  storePrefix?: string;
  queues?: readonly QueueKind[];
  onEvent?: (event: WorkerEvent) => void;
  /** Cluster time shared with an in-process simulator (default: from CLUSTER_CLOCK_*). */
  clock?: Clock;
  /**
   * Real time (default: the system clock): what people read, approval ages and expiries, how long
   * an action took, Slack update intervals. BullMQ stamps jobs with the system clock regardless.
   */
  realClock?: Clock;
  /** Where diagnosis charts get their points (default: PROMETHEUS_URL, else the last diagnoses). */
  memoryHistory?: MemoryHistoryProvider;
};

/** Cluster time: the real clock, or the simulator's sped-up one (CLUSTER_CLOCK_SPEED/EPOCH). */
export function clusterClock(c: WorkerConfig["clusterClock"], realNow: () => number = Date.now): Clock {
  if (c.speed === 1 || c.epochMs === null) return systemClock;
  const now = realNow();
  return new ScaledClock(c.speed, c.epochMs + (now - c.epochMs) * c.speed, realNow);
}

export async function startWorkerProcess(
  config: WorkerConfig,
  options: StartOptions = {},
): Promise<WorkerProcess> {
  const logger = options.logger ?? createLogger(config.runbook.logLevel, "rdev-worker");
  const metrics = createWorkerMetrics();
  // A named cluster's worker labels every metric with it (the default cluster's stay as they were).
  if (config.cluster !== DEFAULT_CLUSTER) metrics.registry.setDefaultLabels({ cluster: config.cluster });
  const cluster =
    options.cluster ??
    connectCluster({
      ...(config.runbook.kubeconfig ? { kubeconfigPath: config.runbook.kubeconfig } : {}),
      onRequest: metrics.kubeApi.onRequest,
    }).cluster;
  const connect = (): RedisClient =>
    createRedis(config.redis, { role: "worker", connectionName: "rdev-worker" });
  const redis = connect();
  const realClock = options.realClock ?? systemClock;
  const realNow = () => realClock.now();
  const clock = options.clock ?? clusterClock(config.clusterClock, realNow);
  const storePrefix = options.storePrefix ? { prefix: options.storePrefix } : {};
  const retentionMs = config.runbook.historyRetentionMs;
  const queuePrefix = { prefix: options.prefix ?? QUEUE_PREFIX };
  const verifyQueue = new Queue(queueName("verify", config.cluster), {
    connection: redis,
    ...queuePrefix,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: { age: 7 * 86_400 },
      removeOnFail: { age: 30 * 86_400 },
    },
  });
  // The queues this worker serves, read on scrape (their depth is its backlog).
  const kinds = options.queues ?? (["diagnose", "remediate", "verify"] as const);
  // The worker queues heap-growth captures on the diagnose queue itself (cluster reads).
  const heapQueue = new Queue(queueName("diagnose", config.cluster), {
    connection: redis,
    ...queuePrefix,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    },
  });
  const gaugeQueues = kinds.map((kind) =>
    kind === "verify"
      ? verifyQueue
      : new Queue(queueName(kind, config.cluster), { connection: redis, ...queuePrefix }),
  );
  // Connection errors (a Redis restart, a failover) also reach the queue workers, which log them;
  // without a listener BullMQ prints each one to stderr.
  for (const queue of [verifyQueue, heapQueue, ...gaugeQueues]) queue.on("error", () => {});
  // Real time, not cluster time: BullMQ stamps jobs with Date.now().
  registerQueueGauges(metrics.registry, metrics.prefix, gaugeQueues, Date.now);
  const slack = createWorkerSlack(
    { token: config.slack.botToken, apiUrl: config.slack.apiUrl },
    metrics.slackApi,
  );
  const incidents = createIncidentStore({ redis, ...storePrefix, retentionMs });
  const roots = createRootUpdater({
    slackUpdates: slack,
    incidents,
    redis,
    prefix: options.storePrefix ?? KEY_PREFIX,
    metrics,
    logger,
    now: realNow,
    instanceId: `worker-${randomUUID()}`,
    config,
  });
  const deps: WorkerDeps = {
    config,
    runbook: highMemoryRunbook(config.runbook),
    cluster,
    slack,
    groups: createGroupMembership(slack, { now: realNow }),
    incidents,
    roots,
    flights: createSingleFlight({ redis, prefix: options.storePrefix ?? KEY_PREFIX }),
    snapshots: createSnapshotStore({ redis, ...storePrefix, retentionMs }),
    details: createDiagnosisDetailsStore({ redis, ...storePrefix, retentionMs }),
    proposals: createProposalStore({
      redis,
      ...storePrefix,
      signingKey: config.approvalSigningKey,
      durability: config.redisDurability,
      cluster: config.cluster,
    }),
    verifyQueue,
    heapQueue,
    metrics,
    logger,
    now: () => clock.now(),
    realNow,
    realDelay: (ms) => Math.max(1, Math.round(ms / config.clusterClock.speed)),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    memoryHistory:
      options.memoryHistory ??
      (config.prometheusUrl
        ? prometheusHistory(config.prometheusUrl, config.runbook.target)
        : diagnosisHistory()),
  };
  const runtime = startWorkerRuntime({
    deps,
    connect,
    prefix: options.prefix ?? QUEUE_PREFIX,
    ...(options.queues ? { queues: options.queues } : {}),
    watch: redis,
  });
  // Was this cluster's worker down (seen before, no heartbeat now)? Then its incidents said so.
  const before = (
    await readLiveness(redis, options.storePrefix ?? KEY_PREFIX, [config.cluster]).catch(() => null)
  )?.get(config.cluster);
  const wasDown = before !== undefined && !before.alive && before.lastSeenAt !== null;
  const heartbeat = await startHeartbeat({
    redis,
    prefix: options.storePrefix ?? KEY_PREFIX,
    cluster: config.cluster,
    intervalMs: config.heartbeatIntervalMs,
    id: `worker-${randomUUID()}`,
    onError: (err) => logger.warn({ err }, "could not renew the worker's heartbeat"),
  });
  // Back after a downtime: re-render this cluster's open incidents (their roots said it was down).
  if (wasDown)
    void incidents
      .listOpen()
      .then((open) =>
        Promise.all(
          open.filter((i) => clusterOf(i.cluster) === config.cluster).map((i) => roots.changed(i.id)),
        ),
      )
      .catch((err: unknown) => logger.warn({ err }, "could not refresh open incidents after start"));
  const server = await startHealthServer({
    host: config.http.host,
    port: config.http.port,
    registry: metrics.registry,
    health: () => {
      const redisOk = redis.status === "ready";
      const running = runtime.running();
      return {
        ok: redisOk && running,
        details: { redis: redis.status, workers: running ? "running" : "stopped" },
      };
    },
  });
  let stopping: Promise<{ interrupted: string[] }> | null = null;
  return {
    deps,
    runtime,
    server,
    stop(graceMs = config.shutdownGraceMs) {
      stopping ??= (async () => {
        await heartbeat.stop();
        const result = await runtime.close(graceMs);
        await roots.settled();
        roots.close();
        await server.close();
        // Interrupted jobs still run: leave their connections to the process exit.
        if (result.interrupted.length > 0) return result;
        await Promise.all(gaugeQueues.filter((q) => q !== verifyQueue).map((q) => q.close()));
        await verifyQueue.close();
        await heapQueue.close();
        await redis.quit().catch(() => redis.disconnect());
        return result;
      })();
      return stopping;
    },
    disconnect() {
      heartbeat.halt();
      runtime.disconnect();
      redis.disconnect();
    },
  };
}
