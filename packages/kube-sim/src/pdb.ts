// PodDisruptionBudgets: the disruption controller's status (currentHealthy, desiredHealthy,
// disruptionsAllowed) and the eviction subresource's decision, worded like the real API server.

import type { Deployment, Pod, PodDisruptionBudget } from "./manifests.ts";
import { isoTime } from "./manifests.ts";
import { isReady } from "./replicaset-controller.ts";
import { resolveIntOrPercent } from "./rollout-math.ts";
import { fromLabelSelectorObject, matchesLabels } from "./selectors.ts";
import type { World } from "./world.ts";

export function pdbSelects(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if (!pdb.spec.selector) return false;
  const sel = fromLabelSelectorObject(pdb.spec.selector);
  return sel.length > 0 && matchesLabels(sel, pod.metadata.labels);
}

/** Desired replicas of the deployments owning the selected pods (the "scale" of the PDB). */
function expectedScale(w: World, pdb: PodDisruptionBudget, pods: Pod[]): number {
  const ns = pdb.metadata.namespace;
  const deployments = w.store
    .list<Deployment>("deployments", ns)
    .filter((d) =>
      pods.some((p) => matchesLabels(fromLabelSelectorObject(d.spec.selector), p.metadata.labels)),
    );
  if (deployments.length === 0) return pods.length;
  return deployments.reduce((n, d) => n + (d.spec.replicas ?? 1), 0);
}

export function computePdbStatus(
  w: World,
  pdb: PodDisruptionBudget,
): NonNullable<PodDisruptionBudget["status"]> {
  const pods = w.store.list<Pod>("pods", pdb.metadata.namespace).filter((p) => pdbSelects(pdb, p));
  const currentHealthy = pods.filter(isReady).length;
  let expectedPods = pods.length;
  let desiredHealthy = 0;
  const { minAvailable, maxUnavailable } = pdb.spec;
  if (maxUnavailable !== undefined) {
    expectedPods = expectedScale(w, pdb, pods);
    desiredHealthy = Math.max(0, expectedPods - resolveIntOrPercent(maxUnavailable, expectedPods, true));
  } else if (typeof minAvailable === "string" && minAvailable.endsWith("%")) {
    expectedPods = expectedScale(w, pdb, pods);
    desiredHealthy = resolveIntOrPercent(minAvailable, expectedPods, true);
  } else if (minAvailable !== undefined) {
    desiredHealthy = Number(minAvailable);
  }
  const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy);
  const prev = pdb.status?.conditions?.[0];
  const allowed = disruptionsAllowed > 0;
  const status = allowed ? "True" : "False";
  return {
    observedGeneration: pdb.metadata.generation ?? 1,
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods,
    conditions: [
      {
        type: "DisruptionAllowed",
        status,
        reason: allowed ? "SufficientPods" : "InsufficientPods",
        message: "",
        observedGeneration: pdb.metadata.generation ?? 1,
        lastTransitionTime: prev?.status === status ? (prev.lastTransitionTime ?? "") : "",
      },
    ],
  };
}

/** Keeps every PDB's status current (the disruption controller). */
export function reconcilePdbs(w: World, at: number): void {
  for (const pdb of w.store.list<PodDisruptionBudget>("poddisruptionbudgets")) {
    const status = computePdbStatus(w, pdb);
    const cond = status.conditions?.[0];
    if (cond && cond.lastTransitionTime === "") cond.lastTransitionTime = isoTime(at);
    if (JSON.stringify(status) === JSON.stringify(pdb.status)) continue;
    w.store.update("poddisruptionbudgets", { ...pdb, metadata: { ...pdb.metadata }, status });
  }
}

export type EvictionVerdict =
  | { allowed: true }
  | { allowed: false; code: 429; pdb: PodDisruptionBudget; needs: number; has: number }
  | { allowed: false; code: 500; message: string };

/** The eviction subresource's PDB check for one pod. */
export function evictionVerdict(w: World, pod: Pod): EvictionVerdict {
  if (pod.status.phase === "Succeeded" || pod.status.phase === "Failed" || pod.status.phase === "Pending") {
    return { allowed: true };
  }
  const pdbs = w.store
    .list<PodDisruptionBudget>("poddisruptionbudgets", pod.metadata.namespace)
    .filter((p) => pdbSelects(p, pod));
  if (pdbs.length === 0) return { allowed: true };
  if (pdbs.length > 1) {
    return {
      allowed: false,
      code: 500,
      message:
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
    };
  }
  const pdb = pdbs[0] as PodDisruptionBudget;
  const status = computePdbStatus(w, pdb);
  // unhealthyPodEvictionPolicy IfHealthyBudget (the default): an unready pod may go if the budget holds.
  if (
    !isReady(pod) &&
    status.currentHealthy >= status.desiredHealthy &&
    pdb.spec.unhealthyPodEvictionPolicy !== "AlwaysAllow"
  ) {
    return { allowed: true };
  }
  if (!isReady(pod) && pdb.spec.unhealthyPodEvictionPolicy === "AlwaysAllow") return { allowed: true };
  if (status.disruptionsAllowed > 0) return { allowed: true };
  return { allowed: false, code: 429, pdb, needs: status.desiredHealthy, has: status.currentHealthy };
}
