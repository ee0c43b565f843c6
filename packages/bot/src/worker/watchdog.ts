// A queue worker that stopped taking due jobs. BullMQ relies on ioredis to reconnect and has no
// way out when a worker's blocking connection stays stuck after a failover (seen here on a Redis
// Cluster failover, one run in four or five: the job that was delayed between two of its steps
// never ran again; taskforcesh/bullmq#3185, #3088). The runtime looks at each queue every
// WORKER_WATCHDOG_INTERVAL and replaces a worker that had work due and ran nothing, twice in a row.
// Pure; the Redis reads are in readDueWork.
import type { RedisClient } from "../redis.ts";

export type Observation = {
  /** Jobs waiting to be taken (wait list and prioritised set). */
  waiting: number;
  /** How long ago the earliest delayed job fell due (ms); null when none is due. */
  overdueMs: number | null;
  /** Jobs of this queue this process is running now. */
  inFlight: number;
};

/** Is a queue worker suspect: work is due (a delayed job for longer than graceMs) and it runs nothing? */
export function looksStuck(o: Observation, graceMs: number): boolean {
  if (o.inFlight > 0) return false;
  return o.waiting > 0 || (o.overdueMs !== null && o.overdueMs > graceMs);
}

/** Replace a worker only after two suspect looks in a row (a job added just before a look is no sign). */
export function nextStrikes(strikes: number, suspect: boolean): { strikes: number; replace: boolean } {
  if (!suspect) return { strikes: 0, replace: false };
  return strikes + 1 >= 2 ? { strikes: 0, replace: true } : { strikes: strikes + 1, replace: false };
}

/**
 * BullMQ's own keys of a queue (`<prefix>:<queue>:wait|prioritized|delayed`); a delayed job's score
 * is its due time (ms) times 0x1000 plus a counter.
 */
export async function readDueWork(
  redis: RedisClient,
  prefix: string,
  queue: string,
  nowMs: number,
): Promise<Pick<Observation, "waiting" | "overdueMs">> {
  const key = (k: string) => `${prefix}:${queue}:${k}`;
  const [waiting, prioritized, first] = await Promise.all([
    redis.llen(key("wait")),
    redis.zcard(key("prioritized")),
    redis.zrange(key("delayed"), "0", "0", "WITHSCORES"),
  ]);
  const score = first[1] === undefined ? null : Number(first[1]);
  const dueMs = score === null ? null : Math.floor(score / 0x1000);
  return {
    waiting: waiting + prioritized,
    overdueMs: dueMs !== null && dueMs <= nowMs ? nowMs - dueMs : null,
  };
}
