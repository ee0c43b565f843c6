// Pure mapping from client-node's objects (V1Pod, CoreV1Event, V1Deployment, metrics.k8s.io JSON)
// to the plain domain types of ./types.ts. No I/O; table-tested.
import type {
  CoreV1Event,
  V1Container,
  V1ContainerStatus,
  V1Deployment,
  V1EnvVar,
  V1Pod,
} from "@kubernetes/client-node";
import { z } from "zod";
import { parseGoDuration as goDurationMs } from "../units/duration.ts";
import { parseQuantity, quantityToBytes, quantityToNanoCores } from "./quantity.ts";
import type {
  ClusterEvent,
  ContainerInfo,
  DeploymentInfo,
  LastTermination,
  PodInfo,
  PodMetrics,
} from "./types.ts";

export const RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt";

/** client-node deserialises date-time fields to Date; JSON from elsewhere has strings. */
function toDate(value: Date | string | undefined | null): Date | null {
  if (value === undefined || value === null) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Literal env values; entries that come from valueFrom (secrets, fields) are left out. */
export function literalEnv(env: V1EnvVar[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env ?? []) {
    if (e.valueFrom === undefined || e.valueFrom === null) out[e.name] = e.value ?? "";
  }
  return out;
}

export function memoryOf(map: Record<string, string> | undefined): string | null {
  return map?.memory ?? null;
}

function toContainerInfo(spec: V1Container, status: V1ContainerStatus | undefined): ContainerInfo {
  const state = status?.state;
  const limit = memoryOf(spec.resources?.limits);
  const request = memoryOf(spec.resources?.requests);
  const last = status?.lastState?.terminated;
  const lastTerminated: LastTermination | null = last
    ? {
        reason: last.reason ?? "",
        exitCode: last.exitCode,
        startedAt: toDate(last.startedAt),
        finishedAt: toDate(last.finishedAt),
      }
    : null;
  return {
    name: spec.name,
    image: status?.image ?? spec.image ?? "",
    memoryLimitBytes: limit === null ? null : quantityToBytes(limit),
    memoryRequestBytes: request === null ? null : quantityToBytes(request),
    restartCount: status?.restartCount ?? 0,
    ready: status?.ready ?? false,
    state: state?.running
      ? "running"
      : state?.waiting
        ? "waiting"
        : state?.terminated
          ? "terminated"
          : "unknown",
    stateReason: state?.waiting?.reason ?? state?.terminated?.reason ?? null,
    startedAt: toDate(state?.running?.startedAt),
    lastTerminated,
    env: literalEnv(spec.env),
  };
}

export function toPodInfo(pod: V1Pod): PodInfo {
  const meta = pod.metadata ?? {};
  const statuses = pod.status?.containerStatuses ?? [];
  const owner =
    meta.ownerReferences?.find((o) => o.kind === "ReplicaSet" && o.controller) ??
    meta.ownerReferences?.find((o) => o.kind === "ReplicaSet");
  return {
    namespace: meta.namespace ?? "",
    name: meta.name ?? "",
    uid: meta.uid ?? "",
    nodeName: pod.spec?.nodeName ?? null,
    phase: pod.status?.phase ?? "Unknown",
    ready: pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    createdAt: toDate(meta.creationTimestamp) ?? new Date(0),
    deletionTimestamp: toDate(meta.deletionTimestamp),
    labels: { ...(meta.labels ?? {}) },
    ownerReplicaSet: owner?.name ?? null,
    containers: (pod.spec?.containers ?? []).map((c) =>
      toContainerInfo(
        c,
        statuses.find((s) => s.name === c.name),
      ),
    ),
  };
}

export function toClusterEvent(event: CoreV1Event): ClusterEvent {
  const involved = event.involvedObject;
  const first = toDate(event.firstTimestamp) ?? toDate(event.eventTime);
  return {
    namespace: event.metadata?.namespace ?? involved.namespace ?? "",
    type: event.type ?? "Normal",
    reason: event.reason ?? "",
    message: event.message ?? "",
    involvedObject: {
      kind: involved.kind ?? "",
      name: involved.name ?? "",
      namespace: involved.namespace ?? null,
      uid: involved.uid ?? null,
    },
    // events.k8s.io-era events keep their count and last time in `series`.
    count: event.series?.count ?? event.count ?? 1,
    firstTimestamp: first,
    lastTimestamp: toDate(event.series?.lastObservedTime) ?? toDate(event.lastTimestamp) ?? first,
    source: event.source?.component ?? event.reportingComponent ?? null,
  };
}

type RolloutFields = {
  generation: number;
  observedGeneration: number;
  specReplicas: number;
  statusReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
};

/**
 * `kubectl rollout status` semantics: the controller has observed the latest spec, every desired
 * replica is updated, no old replicas are left (status.replicas counts old + new), and every
 * updated replica is available.
 */
export function isRolloutComplete(r: RolloutFields): boolean {
  return (
    r.observedGeneration >= r.generation &&
    r.updatedReplicas >= r.specReplicas &&
    r.statusReplicas <= r.updatedReplicas &&
    r.availableReplicas >= r.updatedReplicas
  );
}

export function toDeploymentInfo(d: V1Deployment): DeploymentInfo {
  const meta = d.metadata ?? {};
  const status = d.status ?? {};
  const template = d.spec?.template;
  const specReplicas = d.spec?.replicas ?? 1;
  const fields: RolloutFields = {
    generation: meta.generation ?? 0,
    observedGeneration: status.observedGeneration ?? 0,
    specReplicas,
    statusReplicas: status.replicas ?? 0,
    updatedReplicas: status.updatedReplicas ?? 0,
    availableReplicas: status.availableReplicas ?? 0,
  };
  return {
    namespace: meta.namespace ?? "",
    name: meta.name ?? "",
    uid: meta.uid ?? "",
    generation: fields.generation,
    observedGeneration: fields.observedGeneration,
    replicas: specReplicas,
    updatedReplicas: fields.updatedReplicas,
    readyReplicas: status.readyReplicas ?? 0,
    availableReplicas: fields.availableReplicas,
    unavailableReplicas: status.unavailableReplicas ?? 0,
    rolloutComplete: isRolloutComplete(fields),
    restartedAt: template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] ?? null,
    selector: { ...(d.spec?.selector.matchLabels ?? {}) },
    containers: (template?.spec?.containers ?? []).map((c) => {
      const refs = (c.env ?? []).filter((e) => e.valueFrom).map((e) => e.name);
      return {
        name: c.name,
        memoryLimit: memoryOf(c.resources?.limits),
        memoryRequest: memoryOf(c.resources?.requests),
        env: literalEnv(c.env),
        ...(refs.length > 0 ? { envFromRefs: refs } : {}),
      };
    }),
  };
}

/** Go time.Duration text as metrics-server writes it ("30s", "1m0s", "10.062s", "500ms") -> seconds. */
export function parseGoDuration(text: string): number | null {
  const ms = goDurationMs(text);
  return ms === null ? null : ms / 1000;
}

const quantity = z.string().refine((q) => parseQuantity(q) !== null, "must be a Kubernetes quantity");

/** The metrics.k8s.io/v1beta1 PodMetricsList, validated at the boundary. */
export const PodMetricsList = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string(), namespace: z.string() }),
      timestamp: z.string(),
      window: z.string().refine((w) => parseGoDuration(w) !== null, "must be a Go duration like 30s"),
      containers: z.array(
        z.object({ name: z.string(), usage: z.object({ memory: quantity, cpu: quantity }) }),
      ),
    }),
  ),
});
export type PodMetricsList = z.infer<typeof PodMetricsList>;

export function toPodMetrics(list: PodMetricsList): PodMetrics[] {
  return list.items.map((item) => ({
    namespace: item.metadata.namespace,
    name: item.metadata.name,
    timestamp: toDate(item.timestamp) ?? new Date(0),
    windowSeconds: parseGoDuration(item.window) ?? 0,
    containers: item.containers.map((c) => ({
      name: c.name,
      memoryBytes: quantityToBytes(c.usage.memory) ?? 0,
      cpuNanoCores: quantityToNanoCores(c.usage.cpu) ?? 0,
    })),
  }));
}
