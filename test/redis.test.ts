import {
  createRedis,
  evalScript,
  isConnectionError,
  RedisUnavailableError,
  redisOptions,
  toRedisError,
  waitUntilReady,
} from "@rdev/bot/redis.ts";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "./support/redis.ts";

describe("redisOptions", () => {
  it("lets workers wait for a reconnect, as BullMQ requires", () => {
    const options = redisOptions({ role: "worker" });
    expect(options.maxRetriesPerRequest).toBeNull();
    expect(options.enableOfflineQueue).toBe(true);
    expect(options.retryStrategy?.(1)).toBe(1000);
    expect(options.retryStrategy?.(100)).toBe(20_000);
  });

  it("makes producers fail fast", () => {
    const options = redisOptions({ role: "producer", lazyConnect: true });
    expect(options).toMatchObject({ maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    expect(options.retryStrategy?.(1)).toBe(100);
    expect(options.retryStrategy?.(50)).toBe(1000);
    expect(options.keyPrefix).toBeUndefined();
  });
});

describe("toRedisError", () => {
  it.each([
    [new Error("Stream isn't writeable and enableOfflineQueue options is false"), true],
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6390"), { code: "ECONNREFUSED" }), true],
    [new Error("Connection is closed."), true],
    [
      Object.assign(new Error("Reached the max retries per request limit"), {
        name: "MaxRetriesPerRequestError",
      }),
      true,
    ],
    [new Error("ERR Error running script: attempt to compare nil with number"), false],
    [new Error("WRONGTYPE Operation against a key holding the wrong kind of value"), false],
    ["a string", false],
  ])("%s -> connection error: %s", (error, expected) => {
    expect(isConnectionError(error)).toBe(expected);
    const mapped = toRedisError(error, "do a thing");
    if (expected) {
      expect(mapped).toBeInstanceOf(RedisUnavailableError);
      expect((mapped as Error).message).toMatch(/while trying to do a thing .*REDIS_URL/);
      expect((mapped as Error).cause).toBe(error);
    } else {
      expect(mapped).toBe(error);
    }
  });
});

describe("createRedis", () => {
  it("refuses a URL that is not redis:// with what to set", () => {
    expect(() => createRedis("localhost:6379", { role: "producer" })).toThrow(
      /REDIS_URL must look like redis:\/\//,
    );
  });
});

describe("against a real Redis", () => {
  let redis: TestRedis;
  const clients: Redis[] = [];
  const connect = async (role: "producer" | "worker") => {
    const client = createRedis(redis.url, { role, lazyConnect: true });
    clients.push(client);
    await waitUntilReady(client);
    return client;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await redis.stop();
  });

  it("runs scripts by sha, reloading them after Redis lost its script cache", async () => {
    const client = await connect("producer");
    const script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    expect(await evalScript(client, script, ["counter"], [2])).toBe(2);
    await client.script("FLUSH");
    expect(await evalScript(client, script, ["counter"], [3])).toBe(5);
  });

  it("works with BullMQ: producers add jobs, workers process them", async () => {
    const producer = await connect("producer");
    const workerConnection = await connect("worker");
    const name = `test-queue-${process.pid}`;
    const queue = new Queue(name, { connection: producer });
    let received: (data: unknown) => void = () => {};
    const done = new Promise<unknown>((resolve) => {
      received = resolve;
    });
    const worker = new Worker(
      name,
      async (job) => {
        received(job.data);
        return "ok";
      },
      { connection: workerConnection },
    );
    worker.on("error", () => {});
    await queue.add("diagnose", { target: "rdev-api" }, { jobId: "p-1" });
    expect(await done).toEqual({ target: "rdev-api" });
    await worker.close();
    await queue.close();
  });

  it("refuses a producer connection for a BullMQ Worker", async () => {
    const producer = await connect("producer");
    expect(() => new Worker("never", async () => {}, { connection: producer, autorun: false })).toThrow(
      /maxRetriesPerRequest must be null/,
    );
  });

  it("fails fast as a producer while Redis is down", async () => {
    const producer = await connect("producer");
    await redis.kill();
    try {
      const error = await producer.get("x").catch((e: unknown) => e);
      expect(isConnectionError(error)).toBe(true);
    } finally {
      await redis.start();
    }
    await waitUntilReady(producer);
    expect(await producer.ping()).toBe("PONG");
  });
});
