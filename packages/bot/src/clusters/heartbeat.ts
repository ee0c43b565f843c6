// A worker's liveness, visible to the app. `heartbeatKey(C)` is a sorted set: each worker replica of
// cluster C renews its own member, scored with the time its beat lapses (three beats from now), and
// the time of the cluster's last beat is kept in `lastSeenKey(C)` (no TTL). The app reads both when
// it queues work for C and when it renders C's incidents: no member that has not lapsed means C's
// worker is unavailable, since its last beat. A graceful stop removes its own member at once (the
// other replicas keep the cluster alive); a crash lets it lapse. Queued jobs stay in BullMQ and run
// when a worker of C is back.
import type { RedisClient } from "../redis.ts";
import { formatDuration } from "../units/format.ts";
import { DEFAULT_CLUSTER, heartbeatKey, lastSeenKey } from "./names.ts";

export type WorkerLiveness = {
  cluster: string;
  /** A heartbeat is present (renewed within its TTL). */
  alive: boolean;
  /** Real time (ms) of the last beat ever seen; null: no worker of this cluster ever beat. */
  lastSeenAt: number | null;
};

export type HeartbeatOptions = {
  redis: RedisClient;
  prefix: string;
  cluster: string;
  intervalMs: number;
  /** The worker's id (written into the heartbeat, for operators). */
  id: string;
  now?: () => number;
  onError?: (error: unknown) => void;
};

export type Heartbeat = {
  /** Writes one beat now (start() already did). */
  beat(): Promise<void>;
  /** Stops beating and deletes the heartbeat: the app sees the worker as unavailable at once. */
  stop(): Promise<void>;
  /** Stops beating without a word (a crash, in tests): the heartbeat lapses after its TTL. */
  halt(): void;
};

/** The heartbeat's TTL: three missed beats. */
export const heartbeatTtlMs = (intervalMs: number) => intervalMs * 3;

export async function startHeartbeat(options: HeartbeatOptions): Promise<Heartbeat> {
  const { redis, prefix, cluster, intervalMs } = options;
  const now = options.now ?? Date.now;
  const key = heartbeatKey(prefix, cluster);
  const ttl = heartbeatTtlMs(intervalMs);
  const beat = async () => {
    const at = now();
    await redis
      .multi()
      .zadd(key, at + ttl, options.id)
      .zremrangebyscore(key, "-inf", at)
      .pexpire(key, ttl)
      .set(lastSeenKey(prefix, cluster), String(at))
      .exec();
  };
  const safeBeat = () => beat().catch((error: unknown) => options.onError?.(error));
  await safeBeat();
  const timer = setInterval(() => void safeBeat(), intervalMs);
  timer.unref();
  let stopped = false;
  return {
    beat,
    halt() {
      stopped = true;
      clearInterval(timer);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await redis
        .multi()
        .zrem(key, options.id)
        .set(lastSeenKey(prefix, cluster), String(now()))
        .exec()
        .catch((error: unknown) => options.onError?.(error));
    },
  };
}

/** The liveness of each cluster's worker at `now`, in one round trip. */
export async function readLiveness(
  redis: Pick<RedisClient, "multi">,
  prefix: string,
  clusters: readonly string[],
  now: number = Date.now(),
): Promise<Map<string, WorkerLiveness>> {
  const out = new Map<string, WorkerLiveness>();
  if (clusters.length === 0) return out;
  const tx = redis.multi();
  for (const c of clusters) tx.zcount(heartbeatKey(prefix, c), `(${now}`, "+inf").get(lastSeenKey(prefix, c));
  const replies = (await tx.exec()) ?? [];
  clusters.forEach((cluster, i) => {
    const [countError, count] = replies[2 * i] ?? [null, 0];
    const [seenError, seenText] = replies[2 * i + 1] ?? [null, null];
    if (countError || seenError) throw countError ?? seenError;
    const seen = Number(seenText);
    out.set(cluster, {
      cluster,
      alive: Number(count) > 0,
      lastSeenAt: Number.isFinite(seen) && seen > 0 ? seen : null,
    });
  });
  return out;
}

/**
 * What an incident or status thread says about a cluster whose worker is down; null while it is
 * alive. Pure. "The worker for cluster B is unavailable since 13:40:02 UTC (3 min ago): ..."
 */
export function unavailableLine(liveness: WorkerLiveness, now: number): string | null {
  if (liveness.alive) return null;
  const since =
    liveness.lastSeenAt === null
      ? "(no heartbeat was ever seen: has it started?)"
      : `since ${new Date(liveness.lastSeenAt).toISOString().slice(11, 19)} UTC (${formatDuration(Math.max(0, now - liveness.lastSeenAt))} ago)`;
  return `:warning: The worker for cluster *${liveness.cluster}* is unavailable ${since}. Nothing in ${liveness.cluster} is read or changed until it is back; the queued work runs then. Other clusters are not affected.`;
}

export type WorkerNotices = {
  /** The notice for an incident or request in `cluster` (null: the default), null while its worker is up. */
  notice(cluster: string | null | undefined): Promise<string | null>;
  /** Every served cluster's liveness (the app's worker watch). */
  all(): Promise<Map<string, WorkerLiveness>>;
};

/**
 * The app's view of its workers. A worker never seen is reported only when the app serves several
 * clusters (a single-cluster app without a heartbeat says nothing, as before heartbeats existed);
 * a worker seen once and gone is always reported. Reading Redis fails soft (no notice).
 */
export function workerNotices(options: {
  redis: Pick<RedisClient, "multi">;
  prefix: string;
  clusters: readonly string[];
  now: () => number;
}): WorkerNotices {
  const several = options.clusters.length > 1;
  return {
    async notice(cluster) {
      const name = cluster ?? DEFAULT_CLUSTER;
      const map = await readLiveness(options.redis, options.prefix, [name], options.now()).catch(() => null);
      const liveness = map?.get(name);
      if (!liveness || (liveness.lastSeenAt === null && !several)) return null;
      return unavailableLine(liveness, options.now());
    },
    all: () => readLiveness(options.redis, options.prefix, options.clusters, options.now()),
  };
}
