// BullMQ queues on the producer side (the app): diagnose and remediate jobs for the worker.
// `enqueue*` validate the job data, use deterministic job ids (jobIds in jobs.ts: a storm of
// notifications or a double click adds one job) and fail fast while Redis is down, so a Slack
// handler can tell the user at once instead of hanging.
import { Queue } from "bullmq";
import { clusterOf, DEFAULT_CLUSTER, queueName } from "../clusters/names.ts";
import {
  type Durability,
  type RedisClient,
  RedisUnavailableError,
  waitForReplicas,
  withRedis,
} from "../redis.ts";
import { QUEUE_PREFIX } from "../redis-keys.ts";
import { DiagnoseJob, jobIds, RESOLVE_JOB_NAME, RemediateJob, ResolveJob } from "./jobs.ts";

export type QueuesOptions = {
  /** A producer connection (createRedis(url, { role: "producer" })): commands fail fast. */
  connection: RedisClient;
  /** BullMQ key prefix (QUEUE_PREFIX by default); tests use a unique one. */
  prefix?: string;
  /** Replicas an approved remediate job waits for (REDIS_WAIT_REPLICAS), so a failover cannot lose it. */
  durability?: Durability;
  /** The clusters served (CLUSTERS); default the single default cluster. */
  clusters?: readonly string[];
};

export type EnqueueResult = {
  queue: string;
  jobId: string;
  /** Remediate jobs: replicas that acknowledged the job (WAIT), null when none were asked for. */
  replicas?: number | null;
};

export type Queues = ReturnType<typeof createQueues>;

const DAY_S = 86_400;

export function createQueues(options: QueuesOptions) {
  const { connection } = options;
  const common = {
    connection,
    prefix: options.prefix ?? QUEUE_PREFIX,
  };
  const clusters = options.clusters && options.clusters.length > 0 ? options.clusters : [DEFAULT_CLUSTER];
  const make = (cluster: string) => ({
    diagnose: new Queue(queueName("diagnose", cluster), {
      ...common,
      defaultJobOptions: {
        attempts: 3,
        backoff: { type: "exponential", delay: 2000 },
        // Completed ids are kept a day, so a late repeat of a storm still finds its job.
        removeOnComplete: { age: DAY_S, count: 1000 },
        removeOnFail: { age: 7 * DAY_S },
      },
    }),
    remediate: new Queue(queueName("remediate", cluster), {
      ...common,
      defaultJobOptions: {
        // Remediations are idempotent (UID preconditions, fixed restartedAt), so retrying is safe.
        attempts: 3,
        backoff: { type: "exponential", delay: 5000 },
        removeOnComplete: { age: 7 * DAY_S },
        removeOnFail: { age: 30 * DAY_S },
      },
    }),
  });
  // One pair of queues per cluster: each cluster's worker consumes only its own.
  const byCluster = new Map(clusters.map((c) => [c, make(c)] as const));
  const first = byCluster.get(clusters[0] as string) as ReturnType<typeof make>;
  /** The queues of the job's cluster; a cluster this app does not serve is refused, nothing queued. */
  const of = (target: { cluster?: string | undefined }) => {
    const cluster = clusterOf(target.cluster);
    const queues = byCluster.get(cluster);
    if (!queues)
      throw new Error(
        `cluster ${cluster} is not one of this app's clusters (CLUSTERS: ${clusters.join(", ")}); nothing was queued`,
      );
    return queues;
  };

  // Connection errors (a Redis restart, a failover) reach callers as rejected adds (withRedis);
  // without a listener BullMQ prints each one to stderr.
  for (const q of byCluster.values())
    for (const queue of [q.diagnose, q.remediate]) queue.on("error", () => {});

  const ensureConnected = () => {
    if (connection.status !== "ready") {
      throw new RedisUnavailableError(
        `Redis is not connected (status ${connection.status}); nothing was queued. Check that Redis is running and that REDIS_URL points to it.`,
      );
    }
  };

  return {
    /** The first cluster's queues (the only cluster's, in a single-cluster setup). */
    diagnose: first.diagnose,
    remediate: first.remediate,
    /** Every cluster's diagnose and remediate queues (queue gauges, tests). */
    all: () => [...byCluster.values()].flatMap((q) => [q.diagnose, q.remediate]),
    /** The clusters served, in CLUSTERS order. */
    clusters,

    /** Resolves when Redis answers PING; throws RedisUnavailableError otherwise (fast). */
    async ping(): Promise<void> {
      ensureConnected();
      await withRedis("ping Redis", () => connection.ping());
    },

    /**
     * Adds a diagnose job (to its cluster's queue) with id jobIds.diagnose(requestId); a second add
     * with that id is a no-op. `coalesce`: any add with the same coalescing id within `windowMs` of
     * the first is dropped too (BullMQ's deduplication) and returns the first job's id.
     */
    async enqueueDiagnose(
      data: DiagnoseJob,
      options: { coalesce?: { id: string; windowMs: number } } = {},
    ): Promise<EnqueueResult> {
      const job = DiagnoseJob.parse(data);
      const jobId = jobIds.diagnose(job.requestId);
      const { diagnose } = of(job.target);
      ensureConnected();
      const deduplication = options.coalesce
        ? { deduplication: { id: options.coalesce.id, ttl: options.coalesce.windowMs } }
        : {};
      const added = await withRedis("queue a diagnose job", () =>
        diagnose.add("diagnose", job, { jobId, ...deduplication }),
      );
      return { queue: diagnose.name, jobId: added.id ?? jobId };
    },

    /** Adds the review of an ended incident (one per incident, ever) to its cluster's diagnose queue. */
    async enqueueResolve(data: ResolveJob, options: { delayMs?: number } = {}): Promise<EnqueueResult> {
      const job = ResolveJob.parse(data);
      const jobId = jobIds.resolve(job.incidentId, job.round);
      const { diagnose } = of(job.target);
      ensureConnected();
      const delay = options.delayMs && options.delayMs > 0 ? { delay: options.delayMs } : {};
      await withRedis("queue an incident review", () =>
        diagnose.add(RESOLVE_JOB_NAME, job, { jobId, ...delay }),
      );
      return { queue: diagnose.name, jobId };
    },

    /** Adds a remediate job (to its cluster's queue) with id jobIds.remediate(proposalId): one job per proposal, ever. */
    async enqueueRemediate(data: RemediateJob): Promise<EnqueueResult> {
      const job = RemediateJob.parse(data);
      const jobId = jobIds.remediate(job.proposalId);
      const { remediate } = of(job.target);
      ensureConnected();
      await withRedis("queue a remediate job", () => remediate.add(job.action, job, { jobId }));
      // The claim and the job were written on this connection: WAIT covers both.
      const replicas = await withRedis("wait for Redis replicas", () =>
        waitForReplicas(connection, options.durability, options.prefix ?? QUEUE_PREFIX),
      );
      return { queue: remediate.name, jobId, replicas };
    },

    /** Closes the queues; the shared connection stays open (its owner closes it). */
    async close(): Promise<void> {
      await Promise.all([...byCluster.values()].flatMap((q) => [q.diagnose.close(), q.remediate.close()]));
    },
  };
}
