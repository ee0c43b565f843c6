// "Roll back to revision N": `kubectl rollout undo deployment/<d> --to-revision=N`, proposed when
// memory began climbing after a rollout. Execute notes which ReplicaSet holds revision N (the
// rollback moves it to the top of the history under a new number); verify waits until that
// ReplicaSet is the newest revision and the rollout is complete, then the runbook's verification runs.
import type { ReplicaSetInfo } from "../../k8s/types.ts";
import { readTargetDeployment, rolloutProgress } from "./rollout.ts";
import type { ActionJob, ExecuteContext, Outcome, PlanResult, Progress, RemediationAction } from "./types.ts";
import { ActionRefused } from "./types.ts";

export function planRollback(job: ActionJob): PlanResult {
  const revision = job.params.revision;
  if (revision === undefined || !Number.isInteger(revision) || revision < 1)
    return { ok: false, reason: "no revision to roll back to (params.revision)" };
  const { namespace, deployment } = job.target;
  return {
    ok: true,
    plan: {
      kind: "rollback",
      summary: `Roll ${namespace}/${deployment} back to revision ${revision}: its pod template (image, env, limits) comes back and every pod is replaced, one at a time.`,
      kubectl: `kubectl -n ${namespace} rollout undo deployment/${deployment} --to-revision=${revision}`,
      mechanism:
        "Like kubectl: read the deployment and its ReplicaSets, then one JSON patch of /spec/template and the annotations to that revision's.",
      mutates: true,
      rollsPods: true,
    },
  };
}

const newest = (sets: readonly ReplicaSetInfo[], deployment: string): ReplicaSetInfo | undefined =>
  sets.filter((s) => s.owner?.name === deployment).sort((a, b) => b.revision - a.revision)[0];

export async function executeRollback(ctx: ExecuteContext): Promise<Outcome> {
  const revision = ctx.job.params.revision;
  if (revision === undefined) throw new Error("revision missing (plan should have refused)");
  const { namespace, deployment } = ctx.job.target;
  const options = ctx.signal ? { signal: ctx.signal } : {};
  const d = await readTargetDeployment(ctx);
  const sets = await ctx.cluster.listReplicaSets(
    namespace,
    Object.entries(d.selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(","),
    options,
  );
  const target = sets.find((s) => s.owner?.name === deployment && s.revision === revision);
  const top = newest(sets, deployment);
  if (!target) {
    // A resumed job's revision was renumbered by its own rollback: the ReplicaSet it named is on top.
    if (ctx.resumed && top)
      return {
        status: "already_done",
        summary: `Revision ${revision} is no longer in the history: an earlier attempt of this job rolled back (now revision ${top.revision}).`,
        details: { replicaSet: top.name, revision, newRevision: top.revision },
      };
    throw new ActionRefused(
      "revision_gone",
      `Revision ${revision} of ${namespace}/${deployment} is no longer in its rollout history (revisions: ${sets.map((s) => s.revision).join(", ") || "none"}); nothing was changed.`,
    );
  }
  await ctx.beforeWrite();
  const result = await ctx.cluster.rollbackDeployment(namespace, deployment, revision, options);
  return {
    status: result.status === "already" ? "already_done" : "applied",
    summary:
      result.status === "already"
        ? `${namespace}/${deployment} already runs revision ${revision}'s template: nothing to roll back.`
        : `Rolled ${namespace}/${deployment} back from revision ${result.fromRevision} to revision ${revision}'s template (ReplicaSet ${target.name}); the rollout has started.`,
    details: { replicaSet: target.name, revision, fromRevision: result.fromRevision },
  };
}

export const rollback: RemediationAction = {
  kind: "rollback",
  plan: (job) => planRollback(job),
  execute: executeRollback,
  async verify(ctx): Promise<Progress> {
    const d = await readTargetDeployment(ctx);
    const want = ctx.outcome.details.replicaSet;
    const sets = await ctx.cluster.listReplicaSets(
      ctx.job.target.namespace,
      Object.entries(d.selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
      ctx.signal ? { signal: ctx.signal } : {},
    );
    const top = newest(sets, ctx.job.target.deployment);
    if (typeof want === "string" && top?.name !== want)
      return {
        done: false,
        summary: `the newest revision is ${top?.revision ?? "?"} (${top?.name ?? "none"}), not ReplicaSet ${want} yet`,
      };
    return rolloutProgress(d);
  },
};
