// The ReplicaSet controller (kube-controller-manager): keeps each ReplicaSet's pods at
// spec.replicas (creating them through the World, deleting unready and newest first) and its status.
import type { Deployment, Pod, ReplicaSet } from "./manifests.ts";
import type { World } from "./world.ts";

export const REVISION = "deployment.kubernetes.io/revision";
export const TEMPLATE_HASH = "pod-template-hash";

const ownedBy = (uid: string) => (o: { metadata: { ownerReferences?: { uid: string }[] } }) =>
  (o.metadata.ownerReferences ?? []).some((r) => r.uid === uid);

export function podsOf(w: World, rs: ReplicaSet): Pod[] {
  return w.store.list<Pod>("pods", rs.metadata.namespace).filter(ownedBy(rs.metadata.uid));
}

export function replicaSetsOf(w: World, d: Deployment): ReplicaSet[] {
  return w.store.list<ReplicaSet>("replicasets", d.metadata.namespace).filter(ownedBy(d.metadata.uid));
}

export function isReady(pod: Pod): boolean {
  return pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export function isAvailable(pod: Pod, at: number, minReadySeconds = 0): boolean {
  const ready = pod.status.conditions?.find((c) => c.type === "Ready" && c.status === "True");
  if (!ready) return false;
  return minReadySeconds <= 0 || at - Date.parse(ready.lastTransitionTime ?? "") >= minReadySeconds * 1000;
}

export const revisionOf = (rs: ReplicaSet): number => Number(rs.metadata.annotations?.[REVISION] ?? "0");

/** Writes `next` if it differs from what is stored; true if it wrote. */
export function save<T extends Deployment | ReplicaSet>(
  w: World,
  resource: string,
  before: T,
  next: T,
): boolean {
  if (JSON.stringify(before) === JSON.stringify(next)) return false;
  w.store.update(resource, next);
  return true;
}

export function dropZeros<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0 && v !== undefined)) as T;
}

export function reconcileReplicaSets(w: World, at: number): boolean {
  let changed = false;
  for (const rs of w.store.list<ReplicaSet>("replicasets")) {
    let pods = podsOf(w, rs);
    const desired = rs.spec.replicas ?? 1;
    while (pods.length < desired) {
      pods = [...pods, w.createPodFor(rs, at, pods)];
      changed = true;
    }
    if (pods.length > desired) {
      // Like the controller's ranking: unready pods go first, then the newest.
      const victims = [...pods]
        .sort((a, b) => {
          if (isReady(a) !== isReady(b)) return isReady(a) ? 1 : -1;
          return Date.parse(b.metadata.creationTimestamp) - Date.parse(a.metadata.creationTimestamp);
        })
        .slice(0, pods.length - desired);
      for (const v of victims) {
        w.deletePod(v.metadata.namespace ?? "", v.metadata.name, at);
        w.events.record(at, {
          namespace: rs.metadata.namespace ?? "default",
          involvedObject: {
            kind: "ReplicaSet",
            namespace: rs.metadata.namespace,
            name: rs.metadata.name,
            uid: rs.metadata.uid,
            apiVersion: "apps/v1",
          },
          type: "Normal",
          reason: "SuccessfulDelete",
          message: `Deleted pod: ${v.metadata.name}`,
          source: { component: "replicaset-controller" },
        });
      }
      pods = pods.filter((p) => !victims.includes(p));
      changed = true;
    }
    const latest = w.store.get<ReplicaSet>("replicasets", rs.metadata.namespace, rs.metadata.name) ?? rs;
    const status = {
      replicas: pods.length,
      ...dropZeros({
        fullyLabeledReplicas: pods.length,
        readyReplicas: pods.filter(isReady).length,
        availableReplicas: pods.filter((p) => isAvailable(p, at, rs.spec.minReadySeconds)).length,
      }),
      observedGeneration: latest.metadata.generation ?? 1,
    };
    changed =
      save(w, "replicasets", latest, { ...latest, metadata: { ...latest.metadata }, status }) || changed;
  }
  return changed;
}
