// ioredis clients configured the way BullMQ's "Going to production" guide asks, and one error type
// for "Redis is not answering" that says what to do.
//
// - worker: commands wait for a reconnect (maxRetriesPerRequest: null, offline queue on). BullMQ
//   requires this for Worker and QueueEvents, whose blocking commands must survive a Redis restart.
// - producer: fail fast (enableOfflineQueue: false, maxRetriesPerRequest: 1), so an HTTP handler
//   (Slack ack, Alertmanager webhook) gets an error at once instead of hanging until Redis is back.
//   Use it for Queue (adding jobs) and the stores; never pass it to a Worker or QueueEvents.

import { createHash } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";
import { redactSecrets } from "./logger.ts";

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
 * An ioredis client for `url` (redis://[user:pass@]host:port[/db] or rediss://...).
 * Producers fail fast while Redis is down; workers wait. Attach an "error" listener or let the
 * caller's logger do it: ioredis emits "error" on every failed reconnect.
 */
export function createRedis(url: string, options: CreateRedisOptions): Redis {
  if (!/^rediss?:\/\//.test(url)) {
    throw new RedisUnavailableError(
      `REDIS_URL must look like redis://host:6379 (got ${JSON.stringify(redactSecrets(url))}). Set REDIS_URL to the Redis server the app and worker share.`,
    );
  }
  const client = new Redis(url, redisOptions(options));
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
export async function waitUntilReady(client: Redis, timeoutMs = 10_000): Promise<void> {
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
  redis: Redis,
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
