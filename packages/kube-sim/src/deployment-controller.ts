// The Deployment controller (kube-controller-manager), reduced to what rdev-api needs: a new
// ReplicaSet per pod template, rolling updates honouring maxSurge/maxUnavailable (or Recreate),
// and the deployment status that `kubectl rollout status` reads.
import { deploymentStatus } from "./deployment-status.ts";
import { type Deployment, isoTime, type ReplicaSet } from "./manifests.ts";
import { podTemplateHash } from "./rand.ts";
import {
  isAvailable,
  podsOf,
  REVISION,
  replicaSetsOf,
  revisionOf,
  save,
  TEMPLATE_HASH,
} from "./replicaset-controller.ts";
import { surgeAndUnavailable } from "./rollout-math.ts";
import type { World } from "./world.ts";

function scaleRs(w: World, d: Deployment, rs: ReplicaSet, to: number, at: number): ReplicaSet {
  const from = rs.spec.replicas ?? 0;
  if (from === to) return rs;
  const next = structuredClone(rs);
  next.spec.replicas = to;
  next.metadata.annotations = {
    ...next.metadata.annotations,
    "deployment.kubernetes.io/desired-replicas": String(d.spec.replicas ?? 1),
    "deployment.kubernetes.io/max-replicas": String((d.spec.replicas ?? 1) + surgeAndUnavailable(d).maxSurge),
  };
  w.events.record(at, {
    namespace: d.metadata.namespace ?? "default",
    involvedObject: {
      kind: "Deployment",
      namespace: d.metadata.namespace,
      name: d.metadata.name,
      uid: d.metadata.uid,
      apiVersion: "apps/v1",
    },
    type: "Normal",
    reason: "ScalingReplicaSet",
    message: `Scaled ${to > from ? "up" : "down"} replica set ${rs.metadata.name} from ${from} to ${to}`,
    source: { component: "deployment-controller" },
  });
  return w.store.update("replicasets", next);
}

/** Annotations the controller does not copy from a Deployment to its ReplicaSets (annotationsToSkip). */
const SKIPPED_ANNOTATIONS = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  "deployment.kubernetes.io/revision-history",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  "deprecated.deployment.rollback.to",
]);

/** The Deployment's own annotations a new or re-activated ReplicaSet carries (kubernetes.io/change-cause). */
function copiedAnnotations(d: Deployment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !SKIPPED_ANNOTATIONS.has(k)),
  );
}

function createReplicaSet(
  w: World,
  d: Deployment,
  hash: string,
  replicas: number,
  revision: number,
  at: number,
): ReplicaSet {
  const template = structuredClone(d.spec.template);
  template.metadata.labels = { ...template.metadata.labels, [TEMPLATE_HASH]: hash };
  const rs: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      uid: w.newUid(),
      resourceVersion: "",
      generation: 1,
      creationTimestamp: isoTime(at),
      labels: { ...template.metadata.labels },
      annotations: {
        ...copiedAnnotations(d),
        "deployment.kubernetes.io/desired-replicas": String(d.spec.replicas ?? 1),
        "deployment.kubernetes.io/max-replicas": String(
          (d.spec.replicas ?? 1) + surgeAndUnavailable(d).maxSurge,
        ),
        [REVISION]: String(revision),
      },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: d.metadata.name,
          uid: d.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector: {
        ...d.spec.selector,
        matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [TEMPLATE_HASH]: hash },
      },
      template,
    },
    status: { replicas: 0 },
  };
  const created = w.store.create("replicasets", rs);
  return replicas > 0 ? scaleRs(w, d, created, replicas, at) : created;
}

/** One rolling-update step: scale the new ReplicaSet up and the old ones down within the fenceposts. */
function rollingUpdate(w: World, d: Deployment, newRS: ReplicaSet, old: ReplicaSet[], at: number): void {
  const desired = d.spec.replicas ?? 1;
  const { maxSurge, maxUnavailable } = surgeAndUnavailable(d);
  const specTotal = (): number => [newRS, ...old].reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
  const newReplicas = newRS.spec.replicas ?? 0;
  if (newReplicas > desired) {
    newRS = scaleRs(w, d, newRS, desired, at);
  } else if (newReplicas < desired) {
    const room = desired + maxSurge - specTotal();
    if (room > 0) newRS = scaleRs(w, d, newRS, newReplicas + Math.min(room, desired - newReplicas), at);
  }
  const minAvailable = desired - maxUnavailable;
  const available = (rs: ReplicaSet) =>
    podsOf(w, rs).filter((p) => isAvailable(p, at, d.spec.minReadySeconds)).length;
  const newUnavailable = (newRS.spec.replicas ?? 0) - available(newRS);
  let budget = specTotal() - minAvailable - newUnavailable;
  const oldest = [...old].sort((a, b) => revisionOf(a) - revisionOf(b));
  // First remove old pods that are not available anyway, then available ones within the budget.
  for (let i = 0; i < oldest.length && budget > 0; i++) {
    const rs = oldest[i];
    if (!rs || (rs.spec.replicas ?? 0) === 0) continue;
    const unhealthy = (rs.spec.replicas ?? 0) - available(rs);
    if (unhealthy <= 0) continue;
    const cut = Math.min(budget, unhealthy);
    oldest[i] = scaleRs(w, d, rs, (rs.spec.replicas ?? 0) - cut, at);
    budget -= cut;
  }
  const allAvailable = [newRS, ...oldest].reduce((n, rs) => n + available(rs), 0);
  let scaleDown = allAvailable - minAvailable;
  for (const rs of oldest) {
    if (scaleDown <= 0) break;
    const replicas = rs.spec.replicas ?? 0;
    if (replicas === 0) continue;
    const cut = Math.min(replicas, scaleDown);
    scaleRs(w, d, rs, replicas - cut, at);
    scaleDown -= cut;
  }
}

function recreate(w: World, d: Deployment, newRS: ReplicaSet, old: ReplicaSet[], at: number): void {
  const activeOld = old.filter((rs) => (rs.spec.replicas ?? 0) > 0 || podsOf(w, rs).length > 0);
  for (const rs of activeOld) scaleRs(w, d, rs, 0, at);
  if (activeOld.every((rs) => podsOf(w, rs).length === 0)) scaleRs(w, d, newRS, d.spec.replicas ?? 1, at);
}

export function reconcileDeployments(w: World, at: number): boolean {
  let changed = false;
  for (const listed of w.store.list<Deployment>("deployments")) {
    const before =
      w.store.get<Deployment>("deployments", listed.metadata.namespace, listed.metadata.name) ?? listed;
    const d = before;
    const hash = podTemplateHash(d.spec.template, d.status.collisionCount ?? 0);
    let all = replicaSetsOf(w, d);
    let newRS = all.find((rs) => rs.metadata.labels?.[TEMPLATE_HASH] === hash);
    const maxRevision = all.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    if (!newRS) {
      const oldActive = all.some((rs) => (rs.spec.replicas ?? 0) > 0);
      newRS = createReplicaSet(w, d, hash, oldActive ? 0 : (d.spec.replicas ?? 1), maxRevision + 1, at);
      changed = true;
    } else if (revisionOf(newRS) < maxRevision) {
      // A rollback re-activates an old ReplicaSet: its revision moves to the top, the old number
      // goes to revision-history (what `kubectl rollout history` no longer lists).
      const bumped = structuredClone(newRS);
      const history = bumped.metadata.annotations?.["deployment.kubernetes.io/revision-history"];
      const old = String(revisionOf(newRS));
      bumped.metadata.annotations = {
        ...bumped.metadata.annotations,
        ...copiedAnnotations(d),
        [REVISION]: String(maxRevision + 1),
        "deployment.kubernetes.io/revision-history": history ? `${history},${old}` : old,
      };
      newRS = w.store.update("replicasets", bumped);
      changed = true;
    }
    if (!d.spec.paused) {
      const old = all.filter((rs) => rs !== newRS && rs.metadata.uid !== newRS?.metadata.uid);
      if (d.spec.strategy?.type === "Recreate") recreate(w, d, newRS, old, at);
      else rollingUpdate(w, d, newRS, old, at);
    }
    all = replicaSetsOf(w, d);
    newRS = all.find((rs) => rs.metadata.uid === newRS?.metadata.uid) ?? newRS;
    const next = structuredClone(d);
    next.status = deploymentStatus(w, d, newRS, all, at);
    next.metadata.annotations = {
      ...next.metadata.annotations,
      [REVISION]: newRS.metadata.annotations?.[REVISION] ?? "1",
    };
    changed = save(w, "deployments", d, next) || changed;
    pruneHistory(w, d, all, newRS);
  }
  return changed;
}

/** Deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
function pruneHistory(w: World, d: Deployment, all: ReplicaSet[], newRS: ReplicaSet): void {
  const limit = d.spec.revisionHistoryLimit ?? 10;
  const idle = all
    .filter(
      (rs) =>
        rs.metadata.uid !== newRS.metadata.uid && (rs.spec.replicas ?? 0) === 0 && podsOf(w, rs).length === 0,
    )
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
    w.store.delete("replicasets", rs.metadata.namespace, rs.metadata.name);
  }
}

/** True while some deployment still has a rolling update to step through. */
export function rolloutPending(w: World): boolean {
  return w.store.list<Deployment>("deployments").some((d) => {
    if (d.spec.paused) return false;
    const hash = podTemplateHash(d.spec.template, d.status.collisionCount ?? 0);
    return replicaSetsOf(w, d).some((rs) =>
      rs.metadata.labels?.[TEMPLATE_HASH] === hash
        ? (rs.spec.replicas ?? 0) !== (d.spec.replicas ?? 1)
        : (rs.spec.replicas ?? 0) > 0,
    );
  });
}
