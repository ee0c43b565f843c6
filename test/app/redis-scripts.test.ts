// The app's other multi-key Redis operations, on each topology (vitest.config.ts runs this file on a
// single server, a Redis Cluster and through Sentinel): the single-flight scripts, which reach a
// joiners list named from a prefix in ARGV, and the command rate limit's MULTI over two counters.
// Under the {rdev} hash tag both stay in one slot; an untagged prefix on a cluster is refused.

import { createSingleFlight } from "@rdev/bot/queue/single-flight.ts";
import { createRedis, type RedisClient, waitUntilReady } from "@rdev/bot/redis.ts";
import { KEY_PREFIX } from "@rdev/bot/redis-keys.ts";
import { createCommandLimiter } from "@rdev/bot/slack/commands/rate-limit.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startTopology, topologyKind } from "../support/redis-topology.ts";

let server: RedisUnderTest;
let redis: RedisClient;
beforeAll(async () => {
  server = await startTopology();
  redis = createRedis(server.target, { role: "producer" });
  await waitUntilReady(redis);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const target = { namespace: "rdev", deployment: "rdev-api" };
const joiner = (thread: string) => ({
  replyTo: { channel: "C0RDEVOPS1", threadTs: thread, incidentId: null },
  requestedBy: "U0ALICE001",
});

describe("single-flight diagnoses", () => {
  it("one leads, the others join, landing hands every joiner back once", async () => {
    const flights = createSingleFlight({ redis, prefix: KEY_PREFIX });
    expect(await flights.joinOrLead(target, "r1", joiner("1.1"))).toEqual({ role: "lead", requestId: "r1" });
    const joins = await Promise.all(
      ["2.1", "3.1", "4.1"].map((t, i) => flights.joinOrLead(target, `r${i + 2}`, joiner(t))),
    );
    expect(joins.every((j) => j.role === "joined" && j.requestId === "r1")).toBe(true);
    const landed = await flights.land(target, "r1");
    expect(landed.map((j) => j.replyTo.threadTs).sort()).toEqual(["2.1", "3.1", "4.1"]);
    expect(await flights.land(target, "r1")).toEqual([]);
    expect((await flights.joinOrLead(target, "r5", joiner("5.1"))).role).toBe("lead");
  });

  it.runIf(topologyKind() === "cluster")(
    "on a cluster, a prefix without a hash tag spreads the keys and Redis refuses the script",
    async () => {
      const flights = createSingleFlight({ redis, prefix: "untagged" });
      await flights.joinOrLead(target, "a1", joiner("1.1"));
      await expect(flights.land(target, "a1")).rejects.toThrow(/CROSSSLOT/);
    },
  );
});

describe("command rate limits", () => {
  it("counts a user and a channel together, across clients", async () => {
    let now = 1_000_000 * 60_000;
    const limiter = createCommandLimiter(
      { redis, prefix: KEY_PREFIX, now: () => now },
      { perUser: 2, perChannel: 3 },
    );
    expect(await limiter("U0ALICE001", "C0RDEVOPS1")).toEqual({ ok: true });
    expect(await limiter("U0ALICE001", "C0RDEVOPS1")).toEqual({ ok: true });
    expect(await limiter("U0ALICE001", "C0RDEVOPS1")).toMatchObject({ ok: false, scope: "user", limit: 2 });
    expect(await limiter("U0BOB00001", "C0RDEVOPS1")).toMatchObject({
      ok: false,
      scope: "channel",
      limit: 3,
    });
    now += 60_000;
    expect(await limiter("U0BOB00001", "C0RDEVOPS1")).toEqual({ ok: true });
  });
});
