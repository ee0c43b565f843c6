// Every per-cluster name in one place: the cluster names themselves, the queues a cluster's worker
// consumes and the Redis keys of its heartbeat. The app and the workers build names only through
// here, so a change of naming scheme (hash-tagged prefixes for Redis Cluster, say) is one file.
//
// The cluster named DEFAULT_CLUSTER keeps the names of a single-cluster setup ("rdev-diagnose", an
// incident key without a cluster part), so an existing installation upgrades without moving its
// queued jobs or open incidents. Every other cluster's queues are "<queue>.<cluster>".
import { z } from "zod";

/** The BullMQ queue names of the default cluster (packages/bot/src/queue/jobs.ts re-exports them). */
export const QUEUES = {
  diagnose: "rdev-diagnose",
  remediate: "rdev-remediate",
  verify: "rdev-verify",
  /** The app's own queue of Slack posts (incident roots, cleared lines, flood summaries). */
  slack: "rdev-slack",
} as const;

/** A cluster name (a DNS label); packages/bot/src/clusters/names.ts builds every per-cluster name from one. */
export const CLUSTER_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The cluster of a setup that names none (CLUSTERS and CLUSTER unset). */
export const DEFAULT_CLUSTER = "default";

/** A cluster name: lower-case letters, digits and "-" (a DNS label), so it is safe in queue names and keys. */
export const ClusterName = z
  .string()
  .regex(
    CLUSTER_NAME_PATTERN,
    "must be a cluster name: lower-case letters, digits and '-', at most 63 characters",
  );

/** The cluster of a record that names none (written before clusters existed): the default one. */
export const clusterOf = (cluster: string | null | undefined): string => cluster ?? DEFAULT_CLUSTER;

/** The queues a cluster's worker consumes (the app's outbox "rdev-slack" is not one of them). */
export type ClusterQueueKind = "diagnose" | "remediate" | "verify";

/** The BullMQ queue name of a cluster's queue: "rdev-diagnose" for the default cluster, else "rdev-diagnose.<cluster>". */
export function queueName(kind: ClusterQueueKind, cluster: string): string {
  const base = QUEUES[kind];
  return cluster === DEFAULT_CLUSTER ? base : `${base}.${ClusterName.parse(cluster)}`;
}

/** The workers' heartbeats of `cluster`: a sorted set, worker id -> when its beat lapses (ms). */
export const heartbeatKey = (prefix: string, cluster: string) => `${prefix}:worker-heartbeat:${cluster}`;

/** The last heartbeat's time, kept without a TTL: "unavailable since ..." after the heartbeat lapses. */
export const lastSeenKey = (prefix: string, cluster: string) => `${prefix}:worker-last-seen:${cluster}`;

/** A job or proposal target in `cluster` (the default cluster's targets name none). */
export function withCluster<T extends { namespace: string; deployment: string }>(
  target: T & { cluster?: string | undefined },
  cluster: string | null | undefined,
): T & { cluster?: string } {
  const { cluster: _, ...rest } = target;
  const stored = storedCluster(cluster);
  return (stored ? { ...rest, cluster: stored } : rest) as T & { cluster?: string };
}

/**
 * The cluster as records store it (incident keys, job and proposal targets): absent for the default
 * cluster, so single-cluster keys, jobs and approval seals are exactly what they were.
 */
export const storedCluster = (cluster: string | null | undefined): string | null =>
  cluster && cluster !== DEFAULT_CLUSTER ? cluster : null;
