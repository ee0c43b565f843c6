// BullMQ workers for the three queues, wired to the processors. Each queue worker has its own
// Redis connection (role "worker": commands wait through a Redis restart). Jobs whose worker dies
// are recovered by the stalled-job check after WORKER_LOCK_DURATION. close() stops taking jobs,
// lets in-flight ones finish, and if the grace period runs out says in each job's thread that it
// was interrupted and will be resumed, never leaving a half-applied action silently.
import { DelayedError, type Job, type Processor, UnrecoverableError, Worker } from "bullmq";
import { clusterOf, queueName } from "../clusters/names.ts";
import { HEAP_GROWTH_JOB_NAME, RESOLVE_JOB_NAME } from "../queue/jobs.ts";
import type { RedisClient } from "../redis.ts";
import { QUEUE_PREFIX } from "../redis-keys.ts";
import type { WorkerDeps } from "./deps.ts";
import { noteAbandoned, noteInterrupted, type QueueKind, STALLED_TOO_OFTEN } from "./notes.ts";
import { processDiagnose } from "./process-diagnose.ts";
import { processHeapGrowth } from "./process-heap-growth.ts";
import { processRemediate } from "./process-remediate.ts";
import { processResolve } from "./process-resolve.ts";
import { processVerify } from "./process-verify.ts";
import { looksStuck, nextStrikes, readDueWork } from "./watchdog.ts";

export type { QueueKind };

export type WorkerRuntimeOptions = {
  deps: WorkerDeps;
  /** A new worker-role connection (createRedis(url, { role: "worker" })) per queue worker. */
  connect: () => RedisClient;
  /** BullMQ key prefix; tests use a unique one. */
  prefix?: string;
  /** Which queues to serve (default all three). */
  queues?: readonly QueueKind[];
  /** A connection for the watchdog's reads of the queues (none: no watchdog). */
  watch?: RedisClient;
};

export type WorkerRuntime = {
  workers: Worker[];
  running(): boolean;
  inFlight(): Job[];
  /**
   * Stops taking jobs and waits up to graceMs for in-flight jobs. If they are still running then,
   * each gets a note in its thread and close() returns without waiting: the caller exits the
   * process, and the jobs are resumed elsewhere once their locks lapse.
   */
  close(graceMs: number): Promise<{ interrupted: string[] }>;
  /** Drops every Redis connection at once (after an interrupted close, in tests). */
  disconnect(): void;
};

type Run = (deps: WorkerDeps, job: Job, token?: string) => Promise<unknown>;

const PROCESSORS: Record<QueueKind, Run> = {
  // The diagnose queue carries every cluster read: diagnoses, and reviews of ended incidents.
  diagnose: (deps, job, token) =>
    job.name === RESOLVE_JOB_NAME
      ? processResolve(deps, job, token)
      : job.name === HEAP_GROWTH_JOB_NAME
        ? processHeapGrowth(deps, job, token)
        : processDiagnose(deps, job, token),
  remediate: processRemediate,
  verify: processVerify,
};

function outcomeOf(error: unknown): string {
  if (error instanceof DelayedError || (error instanceof Error && error.name === "DelayedError"))
    return "delayed";
  if (error instanceof UnrecoverableError || (error instanceof Error && error.name === "UnrecoverableError"))
    return "failed";
  return "retry";
}

/** A first run of a job that was not delayed: how long it waited in the queue. */
function pickupSeconds(job: Job): number | null {
  const data = job.data as { state?: unknown; samples?: unknown[]; postedTs?: unknown } | null;
  if (
    job.attemptsStarted > 1 ||
    job.delay > 0 ||
    data?.state ||
    data?.samples?.length ||
    data?.postedTs !== undefined
  )
    return null;
  // BullMQ stamps job.timestamp with the system clock, so this one reads it too (not deps.realNow).
  return Math.max(0, Date.now() - job.timestamp) / 1000;
}

export function startWorkerRuntime(options: WorkerRuntimeOptions): WorkerRuntime {
  const { deps } = options;
  const { config, metrics, logger } = deps;
  const inFlight = new Map<string, Job>();
  const connections: RedisClient[] = [];
  const kinds = options.queues ?? (["diagnose", "remediate", "verify"] as const);

  /** Each queue worker's own connection, so a replaced worker's can be closed with it. */
  const connectionOf = new Map<QueueKind, RedisClient>();
  const make = (kind: QueueKind): Worker => {
    const run = PROCESSORS[kind];
    const processor: Processor = async (job, token) => {
      // A job naming another cluster never runs here (it was put on this queue by hand or by bug).
      const named = (job.data as { target?: { cluster?: string } } | null)?.target?.cluster;
      if (named !== undefined && clusterOf(named) !== config.cluster) {
        metrics.jobs.inc({ queue: kind, outcome: "failed" });
        throw new UnrecoverableError(
          `job ${job.id} is for cluster ${named}; this worker runs in cluster ${config.cluster} and does not touch another cluster`,
        );
      }
      const key = `${kind}/${job.id}`;
      inFlight.set(key, job);
      metrics.inFlight.inc({ queue: kind });
      const pickup = pickupSeconds(job);
      if (pickup !== null) metrics.pickupSeconds.observe({ queue: kind }, pickup);
      const end = metrics.jobSeconds.startTimer({ queue: kind });
      try {
        const result = await run(deps, job, token);
        metrics.jobs.inc({ queue: kind, outcome: "completed" });
        return result;
      } catch (error) {
        metrics.jobs.inc({ queue: kind, outcome: outcomeOf(error) });
        throw error;
      } finally {
        end();
        metrics.inFlight.dec({ queue: kind });
        inFlight.delete(key);
      }
    };
    const connection = options.connect();
    connections.push(connection);
    connectionOf.set(kind, connection);
    const worker = new Worker(queueName(kind, config.cluster), processor, {
      connection,
      prefix: options.prefix ?? QUEUE_PREFIX,
      concurrency: config.concurrency,
      lockDuration: config.lockDurationMs,
      stalledInterval: config.stalledIntervalMs,
      maxStalledCount: 1,
    });
    worker.on("error", (err) => logger.error({ err, queue: kind }, "queue worker error"));
    worker.on("stalled", (jobId) =>
      logger.warn({ jobId, queue: kind }, "job stalled (its worker stopped); running it again"),
    );
    worker.on("failed", (job, err) => {
      logger.warn(
        { jobId: job?.id, queue: kind, err: err.message, attemptsMade: job?.attemptsMade },
        "job run failed",
      );
      // Our processor never ran for this one: BullMQ failed it because its workers kept dying.
      if (job && err.message === STALLED_TOO_OFTEN) void noteAbandoned(deps, kind, job);
    });
    return worker;
  };

  const workers = kinds.map(make);

  // The watchdog (watchdog.ts): a worker with due work that runs nothing, twice in a row, is
  // replaced by a fresh one (new connection, new blocking fetch).
  const strikes = new Map<QueueKind, number>();
  let stopping = false;
  const watch = options.watch;
  const look = async () => {
    if (!watch) return;
    for (const [i, kind] of kinds.entries()) {
      const worker = workers[i];
      if (!worker || stopping) return;
      const prefix = options.prefix ?? QUEUE_PREFIX;
      const due = await readDueWork(watch, prefix, queueName(kind, config.cluster), Date.now()).catch(
        () => null,
      );
      if (!due) continue; // Redis unreachable: nothing to judge
      const running = [...inFlight.keys()].filter((k) => k.startsWith(`${kind}/`)).length;
      const next = nextStrikes(
        strikes.get(kind) ?? 0,
        looksStuck({ ...due, inFlight: running }, config.watchdogIntervalMs),
      );
      strikes.set(kind, next.strikes);
      if (!next.replace || stopping) continue;
      logger.warn({ queue: kind, ...due }, "queue worker took no due job; replacing it");
      const stale = connectionOf.get(kind);
      workers[i] = make(kind);
      void worker
        .close(true)
        .catch(() => {})
        .finally(() => {
          if (!stale) return;
          connections.splice(connections.indexOf(stale), 1);
          stale.disconnect();
        });
    }
  };
  const watchdog = setInterval(() => void look().catch(() => {}), config.watchdogIntervalMs);
  if (!watch) clearInterval(watchdog);
  watchdog.unref();

  return {
    workers,
    running: () => workers.every((w) => w.isRunning()),
    inFlight: () => [...inFlight.values()],
    async close(graceMs) {
      stopping = true;
      clearInterval(watchdog);
      // close() stops fetching at once and resolves when the in-flight jobs have finished.
      const closing = Promise.all(workers.map((w) => w.close()));
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<"expired">((resolve) => {
        timer = setTimeout(() => resolve("expired"), graceMs);
      });
      const first = await Promise.race([closing.then(() => "closed" as const), expired]);
      clearTimeout(timer);
      if (first === "expired") {
        // The jobs keep their locks until the process exits; then the locks lapse and another
        // worker's stalled-job check resumes them from their saved step.
        const jobs = [...inFlight.entries()];
        logger.warn(
          { jobs: jobs.map(([key]) => key) },
          "shutdown grace period over; interrupting in-flight jobs",
        );
        await Promise.all(
          jobs.map(([key, job]) => noteInterrupted(deps, key.split("/")[0] as QueueKind, job)),
        );
        closing.catch(() => {});
        return { interrupted: jobs.map(([key]) => key) };
      }
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      return { interrupted: [] };
    },
    disconnect() {
      for (const c of connections) c.disconnect();
    },
  };
}
