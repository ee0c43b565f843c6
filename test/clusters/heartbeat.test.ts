// Worker heartbeats in a real Redis, and what the app says about a cluster whose worker is down.

import {
  readLiveness,
  startHeartbeat,
  unavailableLine,
  workerNotices,
} from "@rdev/bot/clusters/heartbeat.ts";
import { heartbeatKey, lastSeenKey } from "@rdev/bot/clusters/names.ts";
import { changedClusters, watchRound } from "@rdev/bot/slack/alerts/worker-watch.ts";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const T0 = Date.parse("2026-12-06T13:40:02Z");

describe("worker heartbeats", () => {
  it("beats with a TTL of three intervals; a graceful stop removes it and keeps the last time seen", async () => {
    const beat = await startHeartbeat({
      redis,
      prefix: "hb1",
      cluster: "b",
      intervalMs: 60_000,
      id: "w1",
      now: () => T0,
    });
    expect(await redis.zrange(heartbeatKey("hb1", "b"), "0", "-1", "WITHSCORES")).toEqual([
      "w1",
      String(T0 + 180_000),
    ]);
    const ttl = await redis.pttl(heartbeatKey("hb1", "b"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(180_000);
    const now = await readLiveness(redis, "hb1", ["a", "b"], T0 + 1000);
    expect(now.get("b")).toEqual({ cluster: "b", alive: true, lastSeenAt: T0 });
    expect(now.get("a")).toEqual({ cluster: "a", alive: false, lastSeenAt: null });
    // Three missed beats later it has lapsed, even while the key is still there.
    expect((await readLiveness(redis, "hb1", ["b"], T0 + 180_000)).get("b")?.alive).toBe(false);
    await beat.stop();
    expect(await redis.exists(heartbeatKey("hb1", "b"))).toBe(0);
    expect(await redis.pttl(lastSeenKey("hb1", "b"))).toBe(-1);
    expect((await readLiveness(redis, "hb1", ["b"], T0 + 1000)).get("b")).toEqual({
      cluster: "b",
      alive: false,
      lastSeenAt: T0,
    });
  });

  it("a cluster with two worker replicas stays alive while one of them stops", async () => {
    const one = await startHeartbeat({
      redis,
      prefix: "hb3",
      cluster: "b",
      intervalMs: 60_000,
      id: "w1",
      now: () => T0,
    });
    const two = await startHeartbeat({
      redis,
      prefix: "hb3",
      cluster: "b",
      intervalMs: 60_000,
      id: "w2",
      now: () => T0,
    });
    await one.stop();
    expect((await readLiveness(redis, "hb3", ["b"], T0 + 1000)).get("b")?.alive).toBe(true);
    await two.stop();
    expect((await readLiveness(redis, "hb3", ["b"], T0 + 1000)).get("b")?.alive).toBe(false);
  });

  it("says plainly since when a cluster's worker is unavailable", () => {
    expect(unavailableLine({ cluster: "b", alive: true, lastSeenAt: T0 }, T0)).toBeNull();
    expect(unavailableLine({ cluster: "b", alive: false, lastSeenAt: T0 }, T0 + 180_000)).toBe(
      ":warning: The worker for cluster *b* is unavailable since 13:40:02 UTC (3m ago). Nothing in b is read or changed until it is back; the queued work runs then. Other clusters are not affected.",
    );
    expect(unavailableLine({ cluster: "b", alive: false, lastSeenAt: null }, T0)).toContain(
      "is unavailable (no heartbeat was ever seen: has it started?)",
    );
  });

  it("a single-cluster app says nothing of a worker it never saw; with several clusters it does", async () => {
    const one = workerNotices({ redis, prefix: "hb2", clusters: ["default"], now: () => T0 });
    expect(await one.notice(null)).toBeNull();
    const two = workerNotices({ redis, prefix: "hb2", clusters: ["a", "b"], now: () => T0 });
    expect(await two.notice("b")).toContain("The worker for cluster *b* is unavailable");
    const beat = await startHeartbeat({
      redis,
      prefix: "hb2",
      cluster: "default",
      intervalMs: 60_000,
      id: "w",
      now: () => T0,
    });
    expect(await one.notice(null)).toBeNull();
    await beat.stop();
    expect(await one.notice(null)).toContain(
      "The worker for cluster *default* is unavailable since 13:40:02 UTC",
    );
  });
});

describe("the app's worker watch", () => {
  const live = (entries: [string, boolean][]) =>
    new Map(entries.map(([cluster, alive]) => [cluster, { cluster, alive, lastSeenAt: T0 }]));

  it("reports the clusters whose worker changed, nothing on the first reading", () => {
    expect(
      changedClusters(
        null,
        live([
          ["a", true],
          ["b", false],
        ]),
      ),
    ).toEqual([]);
    expect(
      changedClusters(
        live([
          ["a", true],
          ["b", true],
        ]),
        live([
          ["a", true],
          ["b", false],
        ]),
      ),
    ).toEqual(["b"]);
    expect(
      changedClusters(
        live([
          ["a", true],
          ["b", false],
        ]),
        live([
          ["a", true],
          ["b", true],
        ]),
      ),
    ).toEqual(["b"]);
  });

  it("re-renders only the changed cluster's open incidents", async () => {
    const touched: string[] = [];
    const deps = {
      workers: {
        all: async () =>
          live([
            ["a", true],
            ["b", false],
          ]),
      },
      incidents: {
        listOpen: async () =>
          [
            { id: "i-a", cluster: "a" },
            { id: "i-b", cluster: "b" },
            { id: "i-b2", cluster: "b" },
          ] as never,
      },
      rootUpdater: { touch: async (id: string) => void touched.push(id) },
      logger: { warn: () => {} } as never,
    };
    await watchRound(
      deps,
      live([
        ["a", true],
        ["b", true],
      ]),
    );
    expect(touched).toEqual(["i-b", "i-b2"]);
  });
});
