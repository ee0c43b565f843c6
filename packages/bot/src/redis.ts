// ioredis clients configured the way BullMQ's "Going to production" guide asks, and one error type
// for "Redis is not answering" that says what to do.
//
// - worker: commands wait for a reconnect (maxRetriesPerRequest: null, offline queue on). BullMQ
//   requires this for Worker and QueueEvents, whose blocking commands must survive a Redis restart.
// - producer: fail fast (enableOfflineQueue: false, maxRetriesPerRequest: 1), so an HTTP handler
//   (Slack ack, Alertmanager webhook) gets an error at once instead of hanging until Redis is back.
//   Use it for Queue (adding jobs) and the stores; never pass it to a Worker or QueueEvents.
//
// Topologies (config/redis.ts): one server (REDIS_URL), a master through Redis Sentinel (ioredis
// asks the sentinels for the master and reconnects to the new one after a failover), or a Redis
// Cluster (ioredis' Cluster, which follows MOVED/ASK). Every key of the stores and queues carries
// the hash tag of packages/bot/src/redis-keys.ts, so every multi-key command and Lua script stays in one slot.

import { createHash } from "node:crypto";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import { redactSecrets } from "./logger.ts";

export type HostPort = { host: string; port: number };

export type RedisTarget =
  | { kind: "single"; url: string }
  | {
      kind: "sentinel";
      sentinels: HostPort[];
      /** The master's name in the sentinels' configuration (`sentinel monitor NAME ...`). */
      name: string;
      username: string | null;
      password: string | null;
      sentinelPassword: string | null;
      db: number;
      tls: boolean;
    }
  | { kind: "cluster"; nodes: HostPort[]; username: string | null; password: string | null; tls: boolean };

/**
 * How many replicas must have a write the bot's exactly-once guarantee rests on (an approved
 * remediate job, a proposal marked used by its job) before the bot goes on, and how long it waits
 * for them (REDIS_WAIT_REPLICAS, REDIS_WAIT_TIMEOUT). Replication is asynchronous: without WAIT a
 * failover right after the write can lose it.
 */
export type Durability = { replicas: number; timeoutMs: number };

/** A client of any topology: a Redis (one server, or a Sentinel-managed master) or a Cluster. */
export type RedisClient = Redis | Cluster;

export type RedisRole = "producer" | "worker";

export type CreateRedisOptions = {
  role: RedisRole;
  /** Do not connect until the first command or connect(). */
  lazyConnect?: boolean;
  /** Shows up in CLIENT LIST, handy when several replicas share one Redis. */
  connectionName?: string;
};

/** The ioredis options for a role; exported so tests can check them without a server. */
export function redisOptions(options: CreateRedisOptions): RedisOptions {
  const common: RedisOptions = {
    lazyConnect: options.lazyConnect ?? false,
    // No keyPrefix: BullMQ refuses clients that have one; our stores take a prefix of their own.
    connectionName: options.connectionName,
    // Reconnect forever; the backoff is capped so a restarted Redis is picked up within seconds.
    retryStrategy: (times: number) => Math.min(1000, 50 * 2 ** Math.min(times, 5)),
  };
  if (options.role === "worker") {
    return {
      ...common,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      // BullMQ's own default for workers: at least 1 s, at most 20 s between attempts.
      retryStrategy: (times: number) => Math.max(Math.min(Math.exp(times), 20_000), 1000),
    };
  }
  return { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false };
}

/**
 * A master demoted to a replica by a failover answers writes with READONLY until the client
 * reconnects; reconnect (through the sentinels, to the new master) and resend the command.
 */
export const reconnectOnReadonly = (error: Error): 2 | false =>
  error.message.startsWith("READONLY") ? 2 : false;

/** The ioredis options for a Sentinel-managed master. */
export function sentinelOptions(
  target: Extract<RedisTarget, { kind: "sentinel" }>,
  options: CreateRedisOptions,
): RedisOptions {
  return {
    ...redisOptions(options),
    sentinels: target.sentinels,
    name: target.name,
    role: "master",
    db: target.db,
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
    // Sentinels announce +switch-master: reconnect at once instead of at the next failed command.
    failoverDetector: true,
    sentinelRetryStrategy: (times: number) => Math.min(1000, 50 * 2 ** Math.min(times, 5)),
    reconnectOnError: reconnectOnReadonly,
  };
}

/**
 * The ioredis Cluster options: a role's retry and offline-queue behaviour, with the per-node
 * options (maxRetriesPerRequest: null for BullMQ workers) under redisOptions, where BullMQ reads them.
 */
export function clusterOptions(
  target: Extract<RedisTarget, { kind: "cluster" }>,
  options: CreateRedisOptions,
): ClusterOptions {
  const role = redisOptions(options);
  return {
    lazyConnect: role.lazyConnect ?? false,
    enableOfflineQueue: role.enableOfflineQueue ?? true,
    clusterRetryStrategy: (times: number) => Math.min(1000, 50 * 2 ** Math.min(times, 5)),
    // A master's failover takes a few seconds: keep asking the cluster for the new slot owner.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    redisOptions: {
      maxRetriesPerRequest: role.maxRetriesPerRequest ?? null,
      ...(options.connectionName ? { connectionName: options.connectionName } : {}),
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
  };
}

/**
 * An ioredis client for `url` (redis://[user:pass@]host:port[/db] or rediss://...) or for a
 * configured target (one server, Sentinel or Cluster). Producers fail fast while Redis is down;
 * workers wait. Attach an "error" listener or let the caller's logger do it: ioredis emits
 * "error" on every failed reconnect.
 */
export function createRedis(url: string, options: CreateRedisOptions): Redis;
export function createRedis(target: RedisTarget | string, options: CreateRedisOptions): RedisClient;
export function createRedis(target: RedisTarget | string, options: CreateRedisOptions): RedisClient {
  const resolved: RedisTarget = typeof target === "string" ? { kind: "single", url: target } : target;
  let client: RedisClient;
  if (resolved.kind === "sentinel") {
    client = new Redis(sentinelOptions(resolved, options));
  } else if (resolved.kind === "cluster") {
    client = new Cluster(resolved.nodes, clusterOptions(resolved, options));
  } else {
    if (!/^rediss?:\/\//.test(resolved.url)) {
      throw new RedisUnavailableError(
        `REDIS_URL must look like redis://host:6379 (got ${JSON.stringify(redactSecrets(resolved.url))}). Set REDIS_URL to the Redis server the app and worker share.`,
      );
    }
    client = new Redis(resolved.url, redisOptions(options));
  }
  // Without a listener, Node treats "error" events as fatal; callers see failures as rejected
  // commands (wrapped by toRedisError) instead.
  client.on("error", () => {});
  return client;
}

/**
 * Resolves once the client is connected and ready (connecting it if it was created lazily).
 * Producers need this before their first command: with the offline queue off, a command sent
 * while still connecting fails at once.
 */
export async function waitUntilReady(client: RedisClient, timeoutMs = 10_000): Promise<void> {
  if (client.status === "ready") return;
  if (client.status === "wait") {
    await client.connect();
    return;
  }
  if (client.status === "end")
    throw new RedisUnavailableError("The Redis client was closed (quit/disconnect); create a new one.");
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      reject(
        new RedisUnavailableError(
          `Redis did not become ready within ${timeoutMs} ms. Check that Redis is running and that REDIS_URL points to it.`,
        ),
      );
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", onReady);
  });
}

/** Redis did not answer: down, restarting, unreachable, or the connection was closed. */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
  readonly code = "redis_unavailable";
}

const CONNECTION_ERRORS = [
  "Stream isn't writeable",
  "Connection is closed",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "Reached the max retries per request limit",
  "Command timed out",
  "LOADING",
  // A failover in progress: a demoted master (READONLY), a cluster without the slot's owner yet.
  "READONLY",
  "CLUSTERDOWN",
  "TRYAGAIN",
  "Failed to refresh slots cache",
  "All sentinels are unreachable",
];

/** True when the error means Redis could not be reached (as opposed to a script or data error). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof RedisUnavailableError) return true;
  const text = `${error.name} ${error.message} ${(error as { code?: unknown }).code ?? ""}`;
  return (
    CONNECTION_ERRORS.some((needle) => text.includes(needle)) || error.name === "MaxRetriesPerRequestError"
  );
}

/**
 * Maps a failed Redis call to an error that says what to do. Connection failures become
 * RedisUnavailableError; anything else (a bug in a script, WRONGTYPE) is returned unchanged.
 */
export function toRedisError(error: unknown, doing: string): unknown {
  if (!isConnectionError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new RedisUnavailableError(
    `Redis is unavailable while trying to ${doing} (${redactSecrets(detail)}). Check that Redis is running and that REDIS_URL points to it; the client reconnects by itself, so retry once Redis is back.`,
    { cause: error },
  );
}

/** Runs a Redis operation, turning connection failures into RedisUnavailableError. */
export async function withRedis<T>(doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toRedisError(error, doing);
  }
}

const shas = new Map<string, string>();

/**
 * Runs a Lua script by EVALSHA, loading it with EVAL when Redis does not know it yet (first use,
 * or after a Redis restart flushed the script cache).
 */
export async function evalScript(
  redis: RedisClient,
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash("sha1").update(script).digest("hex");
    shas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes("NOSCRIPT")) throw error;
    return await redis.eval(script, keys.length, ...keys, ...args);
  }
}

/**
 * The connection to the master that holds `tag`'s slot: the client itself unless it is a Cluster.
 * Keyless commands about "the Redis the bot's keys are on" (WAIT, INFO) must go there; a Cluster
 * would send them to any node.
 */
export async function slotMaster(client: RedisClient, tag: string): Promise<Redis | null> {
  if (!(client instanceof Cluster)) return client;
  const slot = Number(await client.cluster("KEYSLOT", tag));
  const owner = client.slots[slot]?.[0];
  return client.nodes("master").find((n) => `${n.options.host}:${n.options.port}` === owner) ?? null;
}

/**
 * WAIT for `durability.replicas` replicas to acknowledge this connection's writes so far; resolves
 * with how many did (the caller decides what fewer means), or null when nothing is asked. On a
 * Cluster, asks the master of `tag`'s slot, where every key of the bot lives.
 */
export async function waitForReplicas(
  client: RedisClient,
  durability: Durability | undefined,
  tag: string,
): Promise<number | null> {
  if (!durability || durability.replicas <= 0) return null;
  const node = await slotMaster(client, tag);
  if (!node) return 0;
  return await node.wait(durability.replicas, durability.timeoutMs);
}
