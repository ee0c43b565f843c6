// Rollout progress of a deployment, as `kubectl rollout status` judges it (pure), and the one read
// of the job's target deployment that every deployment action makes.
import type { DeploymentInfo } from "../../k8s/types.ts";
import type { ExecuteContext, Progress } from "./types.ts";

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

/** The job's target deployment, read with the job's abort signal. */
export function readTargetDeployment(
  ctx: Pick<ExecuteContext, "cluster" | "job" | "signal">,
): Promise<DeploymentInfo> {
  const { namespace, deployment } = ctx.job.target;
  return ctx.cluster.getDeployment(namespace, deployment, ctx.signal ? { signal: ctx.signal } : {});
}
