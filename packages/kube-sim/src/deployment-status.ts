// Deployment status as the controller computes it: replica counts (zeros omitted, like the API),
// Available and Progressing conditions, and the progress deadline.

import { type Condition, type Deployment, isoTime, type ReplicaSet } from "./manifests.ts";
import { dropZeros, isAvailable, isReady, podsOf } from "./replicaset-controller.ts";
import { surgeAndUnavailable } from "./rollout-math.ts";
import type { World } from "./world.ts";

function condition(prev: Condition[] | undefined, next: Condition, at: number): Condition {
  const before = prev?.find((c) => c.type === next.type);
  const now = isoTime(at);
  const sameStatus = before?.status === next.status;
  const sameReason = before?.reason === next.reason && before?.message === next.message;
  return {
    ...next,
    lastUpdateTime: sameStatus && sameReason ? (before?.lastUpdateTime ?? now) : now,
    lastTransitionTime: sameStatus ? (before?.lastTransitionTime ?? now) : now,
  };
}

export function deploymentStatus(
  w: World,
  d: Deployment,
  newRS: ReplicaSet,
  all: ReplicaSet[],
  at: number,
): Deployment["status"] {
  const desired = d.spec.replicas ?? 1;
  const pods = all.flatMap((rs) => podsOf(w, rs));
  const updated = podsOf(w, newRS).length;
  const available = pods.filter((p) => isAvailable(p, at, d.spec.minReadySeconds)).length;
  const specTotal = all.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
  const { maxUnavailable } = surgeAndUnavailable(d);
  const prev = d.status.conditions;
  const complete = updated === desired && pods.length === updated && available >= updated;
  const prevProgressing = prev?.find((c) => c.type === "Progressing");
  // DeploymentProgressing: more updated, ready or available pods, or fewer pods in total.
  const old = d.status;
  const progressMade =
    old.observedGeneration !== d.metadata.generation ||
    updated > (old.updatedReplicas ?? 0) ||
    pods.length < (old.replicas ?? 0) ||
    pods.filter(isReady).length > (old.readyReplicas ?? 0) ||
    available > (old.availableReplicas ?? 0);
  const stalled =
    !progressMade &&
    prevProgressing?.lastUpdateTime !== undefined &&
    at - Date.parse(prevProgressing.lastUpdateTime) > (d.spec.progressDeadlineSeconds ?? 600) * 1000;
  const rsName = newRS.metadata.name;
  let progressing: Condition;
  if (complete) {
    progressing = {
      type: "Progressing",
      status: "True",
      reason: "NewReplicaSetAvailable",
      message: `ReplicaSet "${rsName}" has successfully progressed.`,
    };
  } else if (stalled || prevProgressing?.reason === "ProgressDeadlineExceeded") {
    progressing = {
      type: "Progressing",
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: `ReplicaSet "${rsName}" has timed out progressing.`,
    };
    if (progressMade)
      progressing = {
        type: "Progressing",
        status: "True",
        reason: "ReplicaSetUpdated",
        message: `ReplicaSet "${rsName}" is progressing.`,
      };
  } else {
    progressing = {
      type: "Progressing",
      status: "True",
      reason: "ReplicaSetUpdated",
      message: `ReplicaSet "${rsName}" is progressing.`,
    };
  }
  const availableCond: Condition =
    available >= desired - maxUnavailable
      ? {
          type: "Available",
          status: "True",
          reason: "MinimumReplicasAvailable",
          message: "Deployment has minimum availability.",
        }
      : {
          type: "Available",
          status: "False",
          reason: "MinimumReplicasUnavailable",
          message: "Deployment does not have minimum availability.",
        };
  const prog = condition(prev, progressing, at);
  if (progressMade && progressing.reason === "ReplicaSetUpdated") prog.lastUpdateTime = isoTime(at);
  return {
    observedGeneration: d.metadata.generation ?? 1,
    ...dropZeros({
      replicas: pods.length,
      updatedReplicas: updated,
      readyReplicas: pods.filter(isReady).length,
      availableReplicas: available,
      unavailableReplicas: Math.max(0, specTotal - available),
    }),
    conditions: [condition(prev, availableCond, at), prog],
  };
}
