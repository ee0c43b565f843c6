// Which Redis the app and the worker share: one server (REDIS_URL), a master found through Redis
// Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME) or a Redis Cluster (REDIS_CLUSTER_NODES).
// Exactly one of the three; packages/bot/src/redis.ts turns the result into an ioredis client.
import { z } from "zod";
// The types live with the client factory (packages/bot/src/redis.ts), which must not import configuration.
import type { Durability, HostPort, RedisTarget } from "../redis.ts";
import { duration, parseDuration } from "./shared.ts";

export type { Durability, HostPort, RedisTarget };

const optionalText = z.string().min(1).optional();

export const RedisEnvShape = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must look like redis://host:6379")
    .optional(),
  REDIS_SENTINELS: optionalText,
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, "must be the master's name in the sentinels' configuration, like mymaster")
    .optional(),
  REDIS_SENTINEL_PASSWORD: optionalText,
  REDIS_CLUSTER_NODES: optionalText,
  REDIS_USERNAME: optionalText,
  REDIS_PASSWORD: optionalText,
  REDIS_DB: z.coerce.number().int().min(0).max(15).optional(),
  REDIS_TLS: z.enum(["true", "false"]).optional(),
  /** Replicas that must acknowledge an approved job and a used proposal (default: 1 with Sentinel, else 0). */
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(10).optional(),
  REDIS_WAIT_TIMEOUT: duration.default("1s"),
};

type RedisEnv = {
  REDIS_URL?: string | undefined;
  REDIS_SENTINELS?: string | undefined;
  REDIS_SENTINEL_NAME?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_CLUSTER_NODES?: string | undefined;
  REDIS_USERNAME?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
  REDIS_DB?: number | undefined;
  REDIS_TLS?: "true" | "false" | undefined;
  REDIS_WAIT_REPLICAS?: number | undefined;
  REDIS_WAIT_TIMEOUT: string;
};

/** "h1:26379, h2:26379" into host/port pairs; null when any entry is not host:port. */
export function parseHostPorts(text: string): HostPort[] | null {
  const parts = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (parts.length === 0) return null;
  const out: HostPort[] = [];
  for (const part of parts) {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(part);
    if (!m?.[1] || !m[2]) return null;
    const port = Number(m[2]);
    if (port < 1 || port > 65535) return null;
    out.push({ host: m[1].replace(/^\[|\]$/g, ""), port });
  }
  return out;
}

/**
 * The problems of the Redis settings, on the raw (cleaned) environment, so they are listed with the
 * other settings' problems: exactly one topology, and each one complete.
 */
export function redisProblems(cleaned: Record<string, string>): string[] {
  const url = cleaned.REDIS_URL;
  const sentinels = cleaned.REDIS_SENTINELS;
  const cluster = cleaned.REDIS_CLUSTER_NODES;
  const chosen = [
    url && "REDIS_URL",
    sentinels && "REDIS_SENTINELS",
    cluster && "REDIS_CLUSTER_NODES",
  ].filter((name): name is string => typeof name === "string" && name.length > 0);
  if (chosen.length === 0) {
    return [
      "REDIS_URL: is required (redis://host:6379), unless REDIS_SENTINELS + REDIS_SENTINEL_NAME (Redis Sentinel) or REDIS_CLUSTER_NODES (Redis Cluster) is set",
    ];
  }
  if (chosen.length > 1) {
    return [
      `${chosen.join(", ")}: set only one of them: REDIS_URL (one server), REDIS_SENTINELS (Sentinel) or REDIS_CLUSTER_NODES (Cluster)`,
    ];
  }
  const problems: string[] = [];
  if (sentinels !== undefined && parseHostPorts(sentinels) === null)
    problems.push("REDIS_SENTINELS: must be sentinel addresses like sentinel-0:26379,sentinel-1:26379");
  if (sentinels !== undefined && !cleaned.REDIS_SENTINEL_NAME)
    problems.push("REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS (the master's name, e.g. mymaster)");
  if (cluster !== undefined && parseHostPorts(cluster) === null)
    problems.push("REDIS_CLUSTER_NODES: must be node addresses like redis-0:6379,redis-1:6379");
  if (url !== undefined) {
    const extra = ["REDIS_SENTINEL_NAME", "REDIS_USERNAME", "REDIS_PASSWORD", "REDIS_DB", "REDIS_TLS"].filter(
      (name) => cleaned[name] !== undefined,
    );
    if (extra.length > 0)
      problems.push(
        `${extra.join(", ")}: only with REDIS_SENTINELS or REDIS_CLUSTER_NODES; with REDIS_URL put them in the URL (rediss://user:password@host:6379/db)`,
      );
  }
  if (cluster !== undefined && cleaned.REDIS_DB !== undefined && cleaned.REDIS_DB !== "0")
    problems.push("REDIS_DB: a Redis Cluster has only database 0");
  return problems;
}

/** The target from validated settings (redisProblems found nothing). */
export function redisTarget(e: RedisEnv): RedisTarget {
  const username = e.REDIS_USERNAME ?? null;
  const password = e.REDIS_PASSWORD ?? null;
  const tls = e.REDIS_TLS === "true";
  if (e.REDIS_SENTINELS) {
    return {
      kind: "sentinel",
      sentinels: parseHostPorts(e.REDIS_SENTINELS) ?? [],
      name: e.REDIS_SENTINEL_NAME ?? "",
      username,
      password,
      sentinelPassword: e.REDIS_SENTINEL_PASSWORD ?? null,
      db: e.REDIS_DB ?? 0,
      tls,
    };
  }
  if (e.REDIS_CLUSTER_NODES) {
    return { kind: "cluster", nodes: parseHostPorts(e.REDIS_CLUSTER_NODES) ?? [], username, password, tls };
  }
  return { kind: "single", url: e.REDIS_URL ?? "" };
}

/** REDIS_WAIT_REPLICAS (default: 1 through Sentinel, which always has a replica to fail over to) and its timeout. */
export function redisDurability(e: RedisEnv): Durability {
  return {
    replicas: e.REDIS_WAIT_REPLICAS ?? (e.REDIS_SENTINELS ? 1 : 0),
    timeoutMs: parseDuration(e.REDIS_WAIT_TIMEOUT) ?? 1000,
  };
}

/** One line naming the target, without secrets (logs, the demo's banner). */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (nodes: HostPort[]) => nodes.map((n) => `${n.host}:${n.port}`).join(",");
  if (target.kind === "sentinel") return `sentinel ${target.name} via ${list(target.sentinels)}`;
  if (target.kind === "cluster") return `cluster ${list(target.nodes)}`;
  return target.url.replace(/\/\/[^@/]*@/, "//***@");
}
