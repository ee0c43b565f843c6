// Rollout progress of a deployment, as `kubectl rollout status` judges it. Pure.
import type { DeploymentInfo } from "../../k8s/types.ts";
import type { Progress } from "./types.ts";

export function rolloutProgress(d: DeploymentInfo): Progress {
  const counts = `${d.updatedReplicas} of ${d.replicas} updated, ${d.availableReplicas} available`;
  if (d.observedGeneration < d.generation)
    return { done: false, summary: `the deployment controller has not seen the change yet (${counts})` };
  const done = d.rolloutComplete && d.availableReplicas >= d.replicas;
  return { done, summary: done ? `rollout complete (${counts})` : `rolling out: ${counts}` };
}

/** The deployment's container by name (null when absent). */
export function deploymentContainer(
  d: DeploymentInfo,
  name: string,
): DeploymentInfo["containers"][number] | null {
  return d.containers.find((c) => c.name === name) ?? null;
}
