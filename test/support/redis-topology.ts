// Real Redis topologies for tests, on free loopback ports, each in its own temp dir:
//   startRedisCluster()   three masters (redis-server --cluster-enabled yes, redis-cli --cluster create)
//   startRedisSentinel()  a master, a replica and three sentinels (redis-sentinel), with AOF
//                         (appendonly yes, appendfsync everysec) as the README recommends;
//                         killMaster() + waitForFailover() for the failover tests
//   startTopology(kind)   one of them or a single server, as the store and queue suites use it:
//                         RDEV_TEST_REDIS=single|cluster|sentinel (vitest.config.ts sets it per project)
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RedisTarget } from "@rdev/bot/config/redis.ts";
import { freePort, ping } from "@rdev/demo/redis.ts";
import { Redis } from "ioredis";
import { startRedis, type TestRedis } from "./redis.ts";

const run = promisify(execFile);

export type TopologyKind = "single" | "cluster" | "sentinel";

/** The topology the store and queue suites run on: RDEV_TEST_REDIS, default a single server. */
export function topologyKind(): TopologyKind {
  const kind = process.env.RDEV_TEST_REDIS ?? "single";
  if (kind !== "single" && kind !== "cluster" && kind !== "sentinel")
    throw new Error(`RDEV_TEST_REDIS must be single, cluster or sentinel (got ${JSON.stringify(kind)})`);
  return kind;
}

export type RedisUnderTest = {
  kind: TopologyKind;
  /** What createRedis() takes. */
  target: RedisTarget;
  /** The settings that select it (REDIS_URL, or REDIS_SENTINELS + REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES). */
  env: Record<string, string>;
  /** The one server of a "single" topology (kill/restart for the Redis-down tests); null otherwise. */
  server: TestRedis | null;
  stop(): Promise<void>;
};

export type SentinelUnderTest = RedisUnderTest & {
  kind: "sentinel";
  /** Port of the current master, as the sentinels see it. */
  masterPort(): Promise<number>;
  /** SIGKILL of the current master (no shutdown, no last fsync): a crashed machine. */
  killMaster(): Promise<number>;
  /** Resolves with the new master's port once the sentinels have promoted a replica. */
  waitForFailover(oldPort: number, timeoutMs?: number): Promise<number>;
};

const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

type Spawned = { child: ChildProcess; port: number; output: () => string };

async function spawnAndPing(binary: string, args: string[], port: number): Promise<Spawned> {
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  children.add(child);
  child.once("exit", () => children.delete(child));
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`${binary} exited on port ${port}:\n${output}`);
    if (await ping(port)) return { child, port, output: () => output };
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill("SIGKILL");
  throw new Error(`${binary} did not answer PING on 127.0.0.1:${port} within 10 s:\n${output}`);
}

async function kill(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(timer);
}

const baseArgs = (port: number, dir: string) => [
  "--port",
  String(port),
  "--bind",
  "127.0.0.1",
  "--dir",
  dir,
  "--daemonize",
  "no",
  "--loglevel",
  "warning",
  "--save",
  "",
];

async function until<T>(what: string, probe: () => Promise<T | null | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function withClient<T>(port: number, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

export type ClusterUnderTest = RedisUnderTest & {
  kind: "cluster";
  /** SIGKILL of the master that holds `tag`'s slot; resolves with its port. */
  killSlotMaster(tag: string): Promise<number>;
  /** Resolves with the new owner's port once a replica took over the slot and the cluster is ok. */
  waitForSlotFailover(tag: string, oldPort: number, timeoutMs?: number): Promise<number>;
};

/**
 * Three masters, all 16384 slots assigned, cluster_state:ok on every node; with `replicas: 1`, a
 * replica (AOF on) for each master, so a killed master fails over.
 */
export async function startRedisCluster(options: { replicas?: 0 | 1 } = {}): Promise<ClusterUnderTest> {
  const replicas = options.replicas ?? 0;
  const dir = await mkdtemp(join(tmpdir(), "rdev-redis-cluster-"));
  const nodes: Spawned[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => kill(n.child)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3 * (1 + replicas); i++) {
      const port = await freePort();
      await mkdir(join(dir, String(port)));
      nodes.push(
        await spawnAndPing(
          "redis-server",
          [
            ...baseArgs(port, join(dir, String(port))),
            "--appendonly",
            replicas > 0 ? "yes" : "no",
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            `nodes-${port}.conf`,
            "--cluster-node-timeout",
            "2000",
          ],
          port,
        ),
      );
    }
    await run("redis-cli", [
      "--cluster",
      "create",
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      "--cluster-replicas",
      String(replicas),
      "--cluster-yes",
    ]);
    for (const n of nodes) {
      await until(
        `cluster_state:ok on ${n.port}`,
        () => withClient(n.port, async (c) => (await c.cluster("INFO")).includes("cluster_state:ok")),
        15_000,
      );
    }
    if (replicas > 0) {
      // Every replica in sync with its master, so a failover can promote it at once.
      for (const n of nodes) {
        await until(
          `node ${n.port} in sync`,
          () =>
            withClient(n.port, async (c) => {
              const info = await c.info("replication");
              return info.includes("role:master") || info.includes("master_link_status:up");
            }),
          15_000,
        );
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const list = nodes.map((n) => `127.0.0.1:${n.port}`).join(",");
  return {
    kind: "cluster",
    target: {
      kind: "cluster",
      nodes: nodes.map((n) => ({ host: "127.0.0.1", port: n.port })),
      username: null,
      password: null,
      tls: false,
    },
    env: { REDIS_CLUSTER_NODES: list },
    server: null,
    stop,
    async killSlotMaster(tag) {
      const port = await slotOwner(nodes, tag);
      const node = nodes.find((n) => n.port === port);
      if (!node) throw new Error(`no cluster node on port ${port}`);
      await kill(node.child, "SIGKILL");
      return port;
    },
    async waitForSlotFailover(tag, oldPort, timeoutMs = 30_000) {
      return await until(
        "a replica to take over the slot",
        async () => {
          const port = await slotOwner(
            nodes.filter((n) => n.port !== oldPort),
            tag,
          );
          if (port === oldPort) return null;
          const ok = await withClient(port, async (c) =>
            (await c.cluster("INFO")).includes("cluster_state:ok"),
          );
          return ok ? port : null;
        },
        timeoutMs,
      );
    },
  };
}

/** The port of the master serving `tag`'s slot, as the first live node sees it. */
async function slotOwner(nodes: Spawned[], tag: string): Promise<number> {
  for (const n of nodes) {
    if (n.child.exitCode !== null || n.child.signalCode !== null) continue;
    try {
      return await withClient(n.port, async (c) => {
        const slot = Number(await c.cluster("KEYSLOT", tag));
        const ranges = await c.cluster("SLOTS");
        const master = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2];
        if (!master) throw new Error(`no node serves slot ${slot}`);
        return master[1];
      });
    } catch {
      // try the next node
    }
  }
  throw new Error("no cluster node answered CLUSTER SLOTS");
}

const MASTER_NAME = "rdevtest";

/**
 * A master and one replica (AOF on, appendfsync everysec) and three sentinels (quorum 2, the master
 * is down after 1 s without an answer). Resolves once the replica is in sync and (unless
 * readyForFailover is false) every sentinel knows the replica and the two other sentinels, so a
 * failover can start at once.
 */
export async function startRedisSentinel(
  options: { readyForFailover?: boolean } = {},
): Promise<SentinelUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), "rdev-redis-sentinel-"));
  const data: Spawned[] = [];
  const sentinels: Spawned[] = [];
  const stop = async () => {
    await Promise.all([...sentinels, ...data].map((n) => kill(n.child)));
    await rm(dir, { recursive: true, force: true });
  };
  const aof = ["--appendonly", "yes", "--appendfsync", "everysec"];
  try {
    const masterPort = await freePort();
    await mkdir(join(dir, "master"));
    data.push(
      await spawnAndPing("redis-server", [...baseArgs(masterPort, join(dir, "master")), ...aof], masterPort),
    );
    const replicaPort = await freePort();
    await mkdir(join(dir, "replica"));
    data.push(
      await spawnAndPing(
        "redis-server",
        [
          ...baseArgs(replicaPort, join(dir, "replica")),
          ...aof,
          "--replicaof",
          "127.0.0.1",
          String(masterPort),
        ],
        replicaPort,
      ),
    );
    await until(
      "the replica in sync",
      () =>
        withClient(replicaPort, async (c) => (await c.info("replication")).includes("master_link_status:up")),
      15_000,
    );
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const conf = join(dir, `sentinel-${port}.conf`);
      await writeFile(
        conf,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          "daemonize no",
          `dir ${dir}`,
          "loglevel warning",
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
          `sentinel failover-timeout ${MASTER_NAME} 5000`,
          `sentinel parallel-syncs ${MASTER_NAME} 1`,
          "",
        ].join("\n"),
      );
      sentinels.push(await spawnAndPing("redis-sentinel", [conf], port));
    }
    // Sentinels find the replica and each other within a few seconds (INFO, hello messages);
    // clients need only one of them to name the master, a failover needs them all.
    for (const s of options.readyForFailover === false ? [] : sentinels) {
      await until(
        `sentinel ${s.port} to know the replica and the other sentinels`,
        () =>
          withClient(s.port, async (c) => {
            const replicas = (await c.call("SENTINEL", "REPLICAS", MASTER_NAME)) as unknown[];
            const others = (await c.call("SENTINEL", "SENTINELS", MASTER_NAME)) as unknown[];
            return replicas.length === 1 && others.length === 2;
          }),
        30_000,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const masterPort = async (): Promise<number> => {
    for (const s of sentinels) {
      if (s.child.exitCode !== null) continue;
      try {
        const addr = await withClient(
          s.port,
          async (c) => (await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)) as string[],
        );
        if (addr?.[1]) return Number(addr[1]);
      } catch {
        // try the next sentinel
      }
    }
    throw new Error("no sentinel answered get-master-addr-by-name");
  };
  const list = sentinels.map((s) => `127.0.0.1:${s.port}`).join(",");
  return {
    kind: "sentinel",
    target: {
      kind: "sentinel",
      sentinels: sentinels.map((s) => ({ host: "127.0.0.1", port: s.port })),
      name: MASTER_NAME,
      username: null,
      password: null,
      sentinelPassword: null,
      db: 0,
      tls: false,
    },
    env: { REDIS_SENTINELS: list, REDIS_SENTINEL_NAME: MASTER_NAME },
    server: null,
    stop,
    masterPort,
    async killMaster() {
      const port = await masterPort();
      const master = data.find((d) => d.port === port);
      if (!master) throw new Error(`no data node on port ${port}`);
      await kill(master.child, "SIGKILL");
      return port;
    },
    async waitForFailover(oldPort, timeoutMs = 30_000) {
      return await until(
        "the sentinels to promote the replica",
        async () => {
          const port = await masterPort();
          if (port === oldPort) return null;
          const role = await withClient(port, async (c) =>
            (await c.info("replication")).includes("role:master"),
          );
          return role ? port : null;
        },
        timeoutMs,
      );
    },
  };
}

/** A single server, a cluster or a Sentinel setup, as `kind` says (default: RDEV_TEST_REDIS). */
export async function startTopology(kind: TopologyKind = topologyKind()): Promise<RedisUnderTest> {
  if (kind === "cluster") return await startRedisCluster();
  if (kind === "sentinel") return await startRedisSentinel({ readyForFailover: false });
  const server = await startRedis();
  return {
    kind,
    target: { kind: "single", url: server.url },
    env: { REDIS_URL: server.url },
    server,
    stop: () => server.stop(),
  };
}
