// The app's BullMQ worker for its Slack outbox (queue rdev-slack). It runs in the app, not in the
// worker process: the app already holds the Slack token and renders incident roots, the worker's
// concurrency stays for cluster reads and remediations, and an app replica that dies mid-post has
// its job resumed by another replica (the job's lock lapses). Its Redis connection has the worker
// role (commands wait through a Redis restart), apart from the app's fail-fast producer connection.
import { type Job, Worker } from "bullmq";
import { QUEUES } from "../../queue/jobs.ts";
import type { RedisClient } from "../../redis.ts";
import { QUEUE_PREFIX } from "../../redis-keys.ts";
import { type OutboxDeps, processOutbox } from "./process.ts";

export type OutboxRuntime = { worker: Worker; close(): Promise<void> };

export function startOutboxWorker(
  deps: OutboxDeps,
  options: { connection: RedisClient; prefix?: string; concurrency?: number },
): OutboxRuntime {
  const worker = new Worker(QUEUES.slack, (job: Job, token?: string) => processOutbox(deps, job, token), {
    connection: options.connection,
    prefix: options.prefix ?? QUEUE_PREFIX,
    // Slack allows about one message per second per channel: a few at once is plenty.
    concurrency: options.concurrency ?? 4,
    lockDuration: 60_000,
    maxStalledCount: 2,
  });
  worker.on("error", (err) => deps.logger.error({ err }, "Slack outbox worker error"));
  return {
    worker,
    async close() {
      // With Redis away a graceful close would wait for it: force, and give up after 5 s. An
      // unfinished job keeps its lock until it lapses, then another replica runs it again.
      const closing = worker.close(options.connection.status !== "ready").catch(() => {});
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closing, new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      options.connection.disconnect();
    },
  };
}
