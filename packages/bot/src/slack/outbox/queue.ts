// The producer side of the Slack outbox: adds jobs with their deterministic ids; fails fast while
// Redis is down (the webhook then answers 503 and Alertmanager retries).
import { Queue } from "bullmq";
import { QUEUES } from "../../queue/jobs.ts";
import { type RedisClient, RedisUnavailableError, withRedis } from "../../redis.ts";
import { QUEUE_PREFIX } from "../../redis-keys.ts";
import { OutboxJob, outboxJobId } from "./jobs.ts";

export type Outbox = ReturnType<typeof createOutbox>;

export function createOutbox(options: { connection: RedisClient; prefix?: string }) {
  const queue = new Queue(QUEUES.slack, {
    connection: options.connection,
    prefix: options.prefix ?? QUEUE_PREFIX,
    defaultJobOptions: {
      // 5xx and timeouts: 10 tries over ~17 minutes; 429s are delays, not attempts (process.ts).
      attempts: 10,
      backoff: { type: "exponential", delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 86_400 },
    },
  });
  // Connection errors reach callers as rejected adds; without a listener BullMQ prints each one.
  queue.on("error", () => {});
  return {
    queue,
    /** Adds the job unless one with its id is waiting, delayed or running. */
    async add(data: OutboxJob, add: { delayMs?: number } = {}): Promise<string> {
      const job = OutboxJob.parse(data);
      const jobId = outboxJobId(job);
      if (options.connection.status !== "ready") {
        throw new RedisUnavailableError("Redis is not connected; the Slack post was not queued.");
      }
      await withRedis("queue a Slack post", () =>
        queue.add(job.kind, job, {
          jobId,
          ...(add.delayMs && add.delayMs > 0 ? { delay: add.delayMs } : {}),
        }),
      );
      return jobId;
    },
    close: () => queue.close(),
  };
}
