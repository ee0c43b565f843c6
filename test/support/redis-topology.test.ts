// The test topologies themselves: a cluster spreads keys over three masters and refuses a
// cross-slot script, and a Sentinel setup fails over to its replica when the master dies.

import { createRedis, evalScript, waitForReplicas, waitUntilReady } from "@rdev/bot/redis.ts";
import { KEY_PREFIX } from "@rdev/bot/redis-keys.ts";
import { describe, expect, it } from "vitest";
import { startRedisCluster, startRedisSentinel } from "./redis-topology.ts";

describe("test topologies", () => {
  it("a three-master cluster: keys on several masters, cross-slot scripts refused, {rdev} keys together", async () => {
    const cluster = await startRedisCluster();
    const client = createRedis(cluster.target, { role: "producer" });
    try {
      await waitUntilReady(client);
      if (!("nodes" in client)) throw new Error("not a Cluster client");
      expect(client.nodes("master")).toHaveLength(3);
      const script = "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return 1";
      await expect(evalScript(client, script, ["a", "b"], ["x"])).rejects.toThrow(/CROSSSLOT/);
      await expect(evalScript(client, script, [`${KEY_PREFIX}:a`, `${KEY_PREFIX}:b`], ["x"])).resolves.toBe(
        1,
      );
    } finally {
      client.disconnect();
      await cluster.stop();
    }
  });

  it("a cluster with replicas: the {rdev} slot's master killed, a replica takes over, the client follows", async () => {
    const cluster = await startRedisCluster({ replicas: 1 });
    const client = createRedis(cluster.target, { role: "worker" });
    try {
      await waitUntilReady(client);
      await client.set(`${KEY_PREFIX}:before`, "1");
      // WAIT goes to the master of the {rdev} slot, whose replica acknowledges the write.
      expect(await waitForReplicas(client, { replicas: 1, timeoutMs: 2000 }, KEY_PREFIX)).toBe(1);
      const old = await cluster.killSlotMaster(KEY_PREFIX);
      const promoted = await cluster.waitForSlotFailover(KEY_PREFIX, old);
      expect(promoted).not.toBe(old);
      expect(await client.get(`${KEY_PREFIX}:before`)).toBe("1");
      await client.set(`${KEY_PREFIX}:after`, "2");
      expect(await client.get(`${KEY_PREFIX}:after`)).toBe("2");
    } finally {
      client.disconnect();
      await cluster.stop();
    }
  });

  it("a Sentinel setup promotes the replica when the master is killed, and the client follows", async () => {
    const sentinel = await startRedisSentinel();
    const client = createRedis(sentinel.target, { role: "worker" });
    try {
      await waitUntilReady(client);
      await client.set(`${KEY_PREFIX}:before`, "1");
      expect(await client.wait(1, 2000)).toBe(1);
      const old = await sentinel.killMaster();
      const promoted = await sentinel.waitForFailover(old);
      expect(promoted).not.toBe(old);
      expect(await client.get(`${KEY_PREFIX}:before`)).toBe("1");
      await client.set(`${KEY_PREFIX}:after`, "2");
      expect(await client.get(`${KEY_PREFIX}:after`)).toBe("2");
    } finally {
      client.disconnect();
      await sentinel.stop();
    }
  });
});
