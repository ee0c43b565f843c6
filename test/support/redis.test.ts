import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "./redis.ts";

describe("startRedis", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it("starts a private server on a loopback port that is not the system Redis", async () => {
    expect(redis.port).not.toBe(6379);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    expect(await client.ping()).toBe("PONG");
    const config = await client.config("GET", "save");
    expect(config).toEqual(["save", ""]);
    expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "no"]);
    client.disconnect();
  });

  it("restart() keeps the port and loses the data", async () => {
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on("error", () => {});
    await client.connect();
    await client.set("before-restart", "1");
    await redis.restart();
    const fresh = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await fresh.connect();
    expect(await fresh.get("before-restart")).toBeNull();
    fresh.disconnect();
    client.disconnect();
  });

  it("kill() takes Redis down until start()", async () => {
    await redis.kill();
    const down = new Redis(redis.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on("error", () => {});
    await expect(down.connect()).rejects.toThrow(/Connection is closed|ECONNREFUSED/);
    down.disconnect();
    await redis.start();
    const up = new Redis(redis.url, { lazyConnect: true });
    await up.connect();
    expect(await up.ping()).toBe("PONG");
    up.disconnect();
  });
});

describe("startRedis without redis-server", () => {
  it("says how to install it", async () => {
    await expect(startRedis({ binary: "/nonexistent/redis-server" })).rejects.toThrow(
      /apt-get install redis-server/,
    );
  });
});
