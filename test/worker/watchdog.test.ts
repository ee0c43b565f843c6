// The queue worker watchdog's rules (worker/watchdog.ts) and its reading of BullMQ's keys, on a
// real Redis with a real BullMQ queue.
import { looksStuck, nextStrikes, readDueWork } from "@rdev/bot/worker/watchdog.ts";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";

describe("looksStuck / nextStrikes", () => {
  it("suspects a worker only when work is due and it runs nothing", () => {
    expect(looksStuck({ waiting: 1, overdueMs: null, inFlight: 0 }, 2000)).toBe(true);
    expect(looksStuck({ waiting: 0, overdueMs: 2500, inFlight: 0 }, 2000)).toBe(true);
    expect(looksStuck({ waiting: 0, overdueMs: 1500, inFlight: 0 }, 2000)).toBe(false);
    expect(looksStuck({ waiting: 3, overdueMs: 9000, inFlight: 1 }, 2000)).toBe(false);
    expect(looksStuck({ waiting: 0, overdueMs: null, inFlight: 0 }, 2000)).toBe(false);
  });

  it("replaces after two suspect looks in a row, and starts over after a good one", () => {
    expect(nextStrikes(0, true)).toEqual({ strikes: 1, replace: false });
    expect(nextStrikes(1, true)).toEqual({ strikes: 0, replace: true });
    expect(nextStrikes(1, false)).toEqual({ strikes: 0, replace: false });
  });
});

describe("readDueWork", () => {
  let server: TestRedis;
  let redis: Redis;
  let queue: Queue;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    queue = new Queue("rdev-remediate", { connection: redis, prefix: "{t}:bull" });
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await server.stop();
  });

  it("counts waiting jobs and tells how long ago the earliest delayed job fell due", async () => {
    const now = Date.now();
    expect(await readDueWork(redis, "{t}:bull", "rdev-remediate", now)).toEqual({
      waiting: 0,
      overdueMs: null,
    });
    await queue.add("later", {}, { delay: 60_000 });
    expect(await readDueWork(redis, "{t}:bull", "rdev-remediate", now)).toEqual({
      waiting: 0,
      overdueMs: null,
    });
    const due = await readDueWork(redis, "{t}:bull", "rdev-remediate", now + 65_000);
    expect(due.overdueMs).toBeGreaterThanOrEqual(4000);
    expect(due.overdueMs).toBeLessThan(6000);
    await queue.add("now", {});
    expect((await readDueWork(redis, "{t}:bull", "rdev-remediate", now)).waiting).toBe(1);
  });
});
