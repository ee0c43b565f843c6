// Runbook "Or restart all pods rolling". Patches the pod template's restartedAt annotation to a value
// fixed when the job was created (params.restartedAt, else the approval time), so a retried job
// sends the same patch and causes no second rollout. Verify watches the rollout to completion.
import type { DeploymentInfo } from "../../k8s/types.ts";
import { deletePodCommand, restartCommand } from "./kubectl.ts";
import { readTargetDeployment, rolloutProgress } from "./rollout.ts";
import type { ActionJob, ExecuteContext, Outcome, PlanResult, Progress, RemediationAction } from "./types.ts";

/** The job's fixed restartedAt: the approved value, else the approval time (both set at job creation). */
export function restartedAtOf(job: ActionJob): string | null {
  const value = job.params.restartedAt ?? new Date(job.approvedAt).toISOString();
  return Number.isNaN(Date.parse(value)) ? null : value;
}

export function planRollingRestart(job: ActionJob): PlanResult {
  const restartedAt = restartedAtOf(job);
  if (!restartedAt)
    return { ok: false, reason: `restartedAt ${JSON.stringify(job.params.restartedAt)} is not a timestamp` };
  const { namespace, deployment } = job.target;
  return {
    ok: true,
    plan: {
      kind: "rolling-restart",
      summary: `Rolling restart of ${namespace}/${deployment}: every pod is replaced, one at a time.`,
      kubectl: restartCommand(namespace, deployment, restartedAt),
      mechanism: `Same as kubectl -n ${namespace} rollout restart deployment/${deployment}, with restartedAt fixed at ${restartedAt} so a retry causes no second rollout. (${deletePodCommand(namespace, "<pod>")} per pod is the manual alternative.)`,
      mutates: true,
      rollsPods: true,
    },
  };
}

export async function executeRollingRestart(ctx: ExecuteContext): Promise<Outcome> {
  const restartedAt = restartedAtOf(ctx.job);
  if (!restartedAt) throw new Error("restartedAt is not a timestamp (plan should have refused)");
  const { namespace, deployment } = ctx.job.target;
  const options = ctx.signal ? { signal: ctx.signal } : {};
  const before = await ctx.cluster.getDeployment(namespace, deployment, options);
  if (before.restartedAt === restartedAt) {
    return {
      status: "already_done",
      summary: ctx.resumed
        ? `The pod template already has restartedAt ${restartedAt}: an earlier attempt of this job applied it, so it was not patched again.`
        : `The pod template already has restartedAt ${restartedAt}: nothing to patch.`,
      details: { restartedAt, previousRestartedAt: before.restartedAt },
    };
  }
  await ctx.beforeWrite();
  await ctx.cluster.restartDeployment(namespace, deployment, restartedAt, options);
  return {
    status: "applied",
    summary: `Set restartedAt ${restartedAt} on ${namespace}/${deployment}'s pod template; the rollout has started.`,
    details: { restartedAt, previousRestartedAt: before.restartedAt },
  };
}

export function rollingRestartProgress(d: DeploymentInfo, restartedAt: string): Progress {
  if (d.restartedAt !== restartedAt) {
    return {
      done: false,
      summary: `the pod template's restartedAt is ${d.restartedAt ?? "unset"}, not ${restartedAt} (changed by someone else?)`,
    };
  }
  return rolloutProgress(d);
}

export const rollingRestart: RemediationAction = {
  kind: "rolling-restart",
  plan: (job) => planRollingRestart(job),
  execute: executeRollingRestart,
  async verify(ctx): Promise<Progress> {
    const restartedAt = restartedAtOf(ctx.job) ?? "";
    const d = await readTargetDeployment(ctx);
    return rollingRestartProgress(d, restartedAt);
  },
};
