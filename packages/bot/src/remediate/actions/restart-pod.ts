// Runbook "Immediate: Restart Pod". Evicts the pod through the Eviction API (PodDisruptionBudgets
// are honoured) with the pod's UID as precondition, so a retried job can never hit the replacement.
// Deleting (still UID-checked) is a fallback only when eviction is forbidden and
// ALLOW_DELETE_FALLBACK is on.
import { KubeError } from "../../k8s/errors.ts";
import type { DeploymentInfo, PodInfo } from "../../k8s/types.ts";
import { deletePodCommand, evictCommand } from "./kubectl.ts";
import { rolloutProgress } from "./rollout.ts";
import {
  type ActionJob,
  ActionRefused,
  type ActionSettings,
  type ExecuteContext,
  type Outcome,
  type PlanResult,
  type Progress,
  type RemediationAction,
} from "./types.ts";

function podParams(job: ActionJob): { pod: string; uid: string } | null {
  const { pod, podUid } = job.params;
  return pod && podUid ? { pod, uid: podUid } : null;
}

export function planRestartPod(job: ActionJob, settings: ActionSettings): PlanResult {
  const p = podParams(job);
  if (!p)
    return {
      ok: false,
      reason:
        "the job names no pod and UID; the bot never restarts a pod without its UID as precondition. Ask for a fresh diagnosis.",
    };
  const ns = job.target.namespace;
  const fallback = settings.allowDeleteFallback
    ? "; if eviction is forbidden it deletes the pod instead, with the same UID precondition (ALLOW_DELETE_FALLBACK)"
    : "";
  return {
    ok: true,
    plan: {
      kind: "restart-pod",
      summary: `Evict pod ${p.pod} (uid ${p.uid}) of ${ns}/${job.target.deployment}; its ReplicaSet starts a replacement.`,
      kubectl: evictCommand(ns, p.pod, p.uid),
      mechanism: `Runbook: ${deletePodCommand(ns, p.pod)}. The bot uses the Eviction API so PodDisruptionBudgets are honoured, and only the pod with UID ${p.uid} can be hit${fallback}.`,
      mutates: true,
      rollsPods: true,
    },
  };
}

/** The pod is gone (or replaced by another with the same name): done if we tried before, else nothing to do. */
function gone(pod: string, uid: string, resumed: boolean, why: string): Outcome {
  return resumed
    ? {
        status: "already_done",
        summary: `${pod} (uid ${uid}) is ${why}: an earlier attempt of this job had already evicted it, so it was not evicted again.`,
        details: { pod, uid, method: "earlier-attempt" },
      }
    : {
        status: "nothing_to_do",
        summary: `${pod} (uid ${uid}) is ${why}, before the bot acted: nothing was done.`,
        details: { pod, uid, method: "none" },
      };
}

const isGoneError = (e: unknown): e is KubeError =>
  e instanceof KubeError && (e.code === "not_found" || e.code === "conflict");

async function removePod(ctx: ExecuteContext, pod: string, uid: string): Promise<"eviction" | "delete"> {
  const ns = ctx.job.target.namespace;
  const options = ctx.signal ? { signal: ctx.signal } : {};
  try {
    await ctx.beforeWrite();
    await ctx.cluster.evictPod(ns, pod, uid, options);
    return "eviction";
  } catch (error) {
    if (!(error instanceof KubeError)) throw error;
    if (error.code === "pdb_blocked") {
      throw new ActionRefused(
        "pdb_blocked",
        `Eviction of ${pod} is blocked by a PodDisruptionBudget${error.apiMessage ? ` (${error.apiMessage})` : ""}: try a rolling restart, or wait until more replicas are ready.`,
      );
    }
    if (
      error.code === "forbidden" &&
      error.resource === "pods/eviction" &&
      ctx.settings.allowDeleteFallback
    ) {
      await ctx.cluster.deletePod(ns, pod, uid, options);
      return "delete";
    }
    throw error;
  }
}

export async function executeRestartPod(ctx: ExecuteContext): Promise<Outcome> {
  const p = podParams(ctx.job);
  if (!p) throw new ActionRefused("missing_params", "restart-pod needs the pod's name and UID");
  const ns = ctx.job.target.namespace;
  const options = ctx.signal ? { signal: ctx.signal } : {};
  const pods = await ctx.cluster.listPods(ns, ctx.settings.target.selector, options);
  const current = pods.find((x) => x.name === p.pod);
  if (!current) return gone(p.pod, p.uid, ctx.resumed, "gone");
  if (current.uid !== p.uid) return gone(p.pod, p.uid, ctx.resumed, "gone (another pod now has its name)");
  if (current.deletionTimestamp) return gone(p.pod, p.uid, ctx.resumed, "already terminating");
  let method: "eviction" | "delete";
  try {
    method = await removePod(ctx, p.pod, p.uid);
  } catch (error) {
    // A 404/409 means the UID precondition failed or the pod went away between the read and the
    // eviction (or an earlier attempt's eviction landed). Re-read: if the pod is still there
    // unchanged, the conflict was something else and is retried like any transient error.
    if (!isGoneError(error)) throw error;
    const again = (await ctx.cluster.listPods(ns, ctx.settings.target.selector, options)).find(
      (x) => x.uid === p.uid,
    );
    if (again && !again.deletionTimestamp) throw error;
    return gone(
      p.pod,
      p.uid,
      ctx.resumed,
      again ? "already terminating" : `gone (the API answered ${error.code})`,
    );
  }
  return {
    status: "applied",
    summary:
      method === "eviction"
        ? `Evicted ${p.pod} (uid ${p.uid}) through the Eviction API.`
        : `Deleted ${p.pod} (uid ${p.uid}): eviction is forbidden for the worker and ALLOW_DELETE_FALLBACK is on.`,
    details: { pod: p.pod, uid: p.uid, method },
  };
}

/** Done when the pod with that UID is gone or terminating and the deployment is fully available again. */
export function restartPodProgress(
  pods: readonly PodInfo[],
  deployment: DeploymentInfo,
  pod: string,
  uid: string,
): Progress {
  const old = pods.find((x) => x.uid === uid);
  const rollout = rolloutProgress(deployment);
  if (old && !old.deletionTimestamp) return { done: false, summary: `${pod} is still running` };
  const oldState = old ? `${pod} is terminating` : `${pod} is gone`;
  return { done: rollout.done, summary: `${oldState}; ${rollout.summary}` };
}

export const restartPod: RemediationAction = {
  kind: "restart-pod",
  plan: planRestartPod,
  execute: executeRestartPod,
  async verify(ctx): Promise<Progress> {
    const p = podParams(ctx.job);
    if (!p) throw new ActionRefused("missing_params", "restart-pod needs the pod's name and UID");
    const { namespace, deployment } = ctx.job.target;
    const options = ctx.signal ? { signal: ctx.signal } : {};
    const [pods, info] = await Promise.all([
      ctx.cluster.listPods(namespace, ctx.settings.target.selector, options),
      ctx.cluster.getDeployment(namespace, deployment, options),
    ]);
    return restartPodProgress(pods, info, p.pod, p.uid);
  },
};
