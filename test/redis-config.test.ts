// REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES: exactly one, each complete, and the ioredis
// options each topology gets (no server needed; the topologies themselves: test/redis-topologies).

import {
  ConfigError,
  describeRedisTarget,
  loadAppConfig,
  loadWorkerConfig,
  parseHostPorts,
} from "@rdev/bot/config.ts";
import { clusterOptions, reconnectOnReadonly, redisOptions, sentinelOptions } from "@rdev/bot/redis.ts";
import { KEY_PREFIX, QUEUE_PREFIX } from "@rdev/bot/redis-keys.ts";
import { describe, expect, it } from "vitest";

/** Redis Cluster's rule: the text between the first "{" and the next "}", when not empty. */
function hashTag(key: string): string | null {
  const open = key.indexOf("{");
  const close = open < 0 ? -1 : key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
}

const WORKER = { SLACK_BOT_TOKEN: "xoxb-1-2-3" };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadWorkerConfig({ ...WORKER, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("Redis topology settings", () => {
  it("reads one server, a Sentinel master or a Cluster", () => {
    expect(loadWorkerConfig({ ...WORKER, REDIS_URL: "redis://r:6379" }).redis).toEqual({
      kind: "single",
      url: "redis://r:6379",
    });
    expect(
      loadWorkerConfig({
        ...WORKER,
        REDIS_SENTINELS: "s0:26379, s1:26379,[::1]:26380",
        REDIS_SENTINEL_NAME: "mymaster",
        REDIS_PASSWORD: "pw",
      }).redis,
    ).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "s0", port: 26379 },
        { host: "s1", port: 26379 },
        { host: "::1", port: 26380 },
      ],
      name: "mymaster",
      username: null,
      password: "pw",
      sentinelPassword: null,
      db: 0,
      tls: false,
    });
    const app = loadAppConfig({
      SLACK_BOT_TOKEN: "xoxb-1-2-3",
      SLACK_SIGNING_SECRET: "secret-123",
      ALERT_CHANNEL: "C0123ABCD",
      ALERTMANAGER_TOKEN: "0123456789abcdef",
      REDIS_CLUSTER_NODES: "r0:6379,r1:6379",
    });
    expect(app.redis).toEqual({
      kind: "cluster",
      nodes: [
        { host: "r0", port: 6379 },
        { host: "r1", port: 6379 },
      ],
      username: null,
      password: null,
      tls: false,
    });
  });

  it("asks for exactly one topology, complete, with one clear line each", () => {
    expect(problemsOf({})).toEqual([
      expect.stringMatching(/^REDIS_URL: is required .*REDIS_SENTINELS.*REDIS_CLUSTER_NODES/),
    ]);
    expect(problemsOf({ REDIS_URL: "redis://r:6379", REDIS_CLUSTER_NODES: "r0:6379" })).toEqual([
      expect.stringMatching(/^REDIS_URL, REDIS_CLUSTER_NODES: set only one of them/),
    ]);
    expect(problemsOf({ REDIS_SENTINELS: "s0:26379", REDIS_CLUSTER_NODES: "r0:6379" })).toHaveLength(1);
    expect(problemsOf({ REDIS_SENTINELS: "s0:26379" })).toEqual([
      expect.stringMatching(/^REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS/),
    ]);
    expect(problemsOf({ REDIS_SENTINELS: "s0", REDIS_SENTINEL_NAME: "m" })).toEqual([
      expect.stringMatching(/^REDIS_SENTINELS: must be sentinel addresses/),
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: "r0:99999" })).toEqual([
      expect.stringMatching(/^REDIS_CLUSTER_NODES: must be node addresses/),
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: "r0:6379", REDIS_DB: "2" })).toEqual([
      expect.stringMatching(/^REDIS_DB: a Redis Cluster has only database 0/),
    ]);
    expect(problemsOf({ REDIS_URL: "redis://r:6379", REDIS_PASSWORD: "pw" })).toEqual([
      expect.stringMatching(/^REDIS_PASSWORD: only with REDIS_SENTINELS or REDIS_CLUSTER_NODES/),
    ]);
  });

  it("names the target in logs without its password", () => {
    expect(describeRedisTarget({ kind: "single", url: "redis://:hunter2@r:6379/0" })).toBe(
      "redis://***@r:6379/0",
    );
    expect(
      describeRedisTarget(
        loadWorkerConfig({
          ...WORKER,
          REDIS_SENTINELS: "s0:26379,s1:26379",
          REDIS_SENTINEL_NAME: "m",
          REDIS_PASSWORD: "pw",
        }).redis,
      ),
    ).toBe("sentinel m via s0:26379,s1:26379");
    expect(describeRedisTarget(loadWorkerConfig({ ...WORKER, REDIS_CLUSTER_NODES: "r0:6379" }).redis)).toBe(
      "cluster r0:6379",
    );
  });

  it("parses host:port lists strictly", () => {
    expect(parseHostPorts("a:1,b:2")).toEqual([
      { host: "a", port: 1 },
      { host: "b", port: 2 },
    ]);
    expect(parseHostPorts("")).toBeNull();
    expect(parseHostPorts("a:1,b")).toBeNull();
    expect(parseHostPorts("redis://a:1")).toBeNull();
  });
});

describe("client options per topology", () => {
  const sentinel = {
    kind: "sentinel" as const,
    sentinels: [{ host: "s0", port: 26379 }],
    name: "mymaster",
    username: null,
    password: "pw",
    sentinelPassword: "spw",
    db: 1,
    tls: false,
  };
  const cluster = {
    kind: "cluster" as const,
    nodes: [{ host: "r0", port: 6379 }],
    username: "u",
    password: "pw",
    tls: true,
  };

  it("a Sentinel master: the master by name, reconnect on READONLY, the role's retry behaviour", () => {
    const worker = sentinelOptions(sentinel, { role: "worker" });
    expect(worker).toMatchObject({
      sentinels: sentinel.sentinels,
      name: "mymaster",
      role: "master",
      db: 1,
      password: "pw",
      sentinelPassword: "spw",
      maxRetriesPerRequest: null,
      failoverDetector: true,
    });
    expect(sentinelOptions(sentinel, { role: "producer" })).toMatchObject({
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    expect(reconnectOnReadonly(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(reconnectOnReadonly(new Error("WRONGTYPE Operation against a key"))).toBe(false);
  });

  it("a Cluster: BullMQ workers get maxRetriesPerRequest null on every node; producers fail fast", () => {
    expect(clusterOptions(cluster, { role: "worker" })).toMatchObject({
      enableOfflineQueue: true,
      redisOptions: { maxRetriesPerRequest: null, username: "u", password: "pw", tls: {} },
    });
    expect(clusterOptions(cluster, { role: "producer" })).toMatchObject({
      enableOfflineQueue: false,
      redisOptions: { maxRetriesPerRequest: 1 },
    });
    expect(redisOptions({ role: "worker" }).maxRetriesPerRequest).toBeNull();
  });

  it("the stores' and the queues' keys share one hash tag, so one slot", () => {
    expect(hashTag(`${KEY_PREFIX}:incident:abc:timeline`)).toBe("rdev");
    expect(hashTag(`${QUEUE_PREFIX}:rdev-remediate:wait`)).toBe("rdev");
    expect(hashTag("rdev:incident:abc")).toBeNull();
    expect(hashTag("{}rdev")).toBeNull();
  });
});
