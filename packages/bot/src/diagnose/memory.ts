// A pod's memory against its limit, from the pod spec and metrics.k8s.io. Pure.
import type { ContainerInfo, PodInfo, PodMetrics } from "../k8s/types.ts";
import type { Memory } from "./types.ts";

/** The runbook's container by name; the first container when no container has that name. */
export function targetContainer(pod: PodInfo, name: string): ContainerInfo | null {
  return pod.containers.find((c) => c.name === name) ?? pod.containers[0] ?? null;
}

/**
 * Working set of the target container (what the OOM killer and the alert compare with its limit).
 * A single-container pod whose metrics name the container differently still gets the pod's total.
 */
export function podMemory(
  pod: PodInfo,
  metrics: PodMetrics | undefined,
  containerName: string,
  metricsUnavailable: string | null,
): Memory {
  const container = targetContainer(pod, containerName);
  const limitBytes = container?.memoryLimitBytes ?? null;
  const requestBytes = container?.memoryRequestBytes ?? null;
  let workingSetBytes: number | null = null;
  let note: string | null = null;
  if (metricsUnavailable !== null) {
    note = metricsUnavailable;
  } else if (!metrics) {
    note = pod.phase === "Running" ? "no usage reported yet by metrics.k8s.io" : `pod is ${pod.phase}`;
  } else {
    const byName = metrics.containers.find((c) => c.name === container?.name);
    const only = metrics.containers.length === 1 ? metrics.containers[0] : undefined;
    workingSetBytes = (byName ?? only)?.memoryBytes ?? null;
    if (workingSetBytes === null) note = `no usage reported for container ${container?.name ?? "?"}`;
  }
  if (limitBytes === null && note === null) note = "no memory limit set";
  const percentOfLimit =
    workingSetBytes !== null && limitBytes !== null && limitBytes > 0
      ? Math.round((workingSetBytes / limitBytes) * 1000) / 10
      : null;
  return { workingSetBytes, limitBytes, requestBytes, percentOfLimit, note };
}

// The runbook orders pods worst first (packages/bot/src/runbooks/high-memory/actions.ts); diagnostics use the same order.
export { compareByMemory } from "../runbooks/high-memory/actions.ts";
