// Runbook "If Cache Is Growing: Reduce cache TTL": `kubectl set env deployment/rdev-api CACHE_TTL=15s`
// (the variable's name is config.cache.envName). Setting the pod template's env rolls every pod.
import type { DeploymentInfo } from "../../k8s/types.ts";
import { parseGoDuration } from "../../units/duration.ts";
import { setEnvCommand } from "./kubectl.ts";
import { deploymentContainer, readTargetDeployment, rolloutProgress } from "./rollout.ts";
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

export function planSetCacheTtl(job: ActionJob, settings: ActionSettings): PlanResult {
  const ttl = job.params.ttl;
  const envName = settings.cache.envName;
  if (!ttl) return { ok: false, reason: "the job has no ttl value" };
  // rdev-api reads CACHE_TTL with Go's time.ParseDuration ("15s", "1m30s", "500ms", "2h"; not "2d").
  const ms = parseGoDuration(ttl);
  if (ms === null) return { ok: false, reason: `${JSON.stringify(ttl)} is not a duration like 15s or 1m` };
  if (ms <= 0) return { ok: false, reason: `${JSON.stringify(ttl)} is not a TTL: it must be longer than 0` };
  if (job.params.envName && job.params.envName !== envName) {
    return {
      ok: false,
      reason: `the job asks to set ${job.params.envName}, but the configured cache variable is ${envName} (CACHE_TTL_ENV); the bot sets only that one.`,
    };
  }
  const { namespace, deployment } = job.target;
  const container = settings.target.container;
  return {
    ok: true,
    plan: {
      kind: "set-cache-ttl",
      summary: `Set ${envName}=${ttl} on container ${container} of ${namespace}/${deployment}; every pod is replaced, one at a time.`,
      kubectl: setEnvCommand(namespace, deployment, container, envName, ttl),
      mechanism: null,
      mutates: true,
      rollsPods: true,
    },
  };
}

export async function executeSetCacheTtl(ctx: ExecuteContext): Promise<Outcome> {
  const ttl = ctx.job.params.ttl ?? "";
  const envName = ctx.settings.cache.envName;
  const { namespace, deployment } = ctx.job.target;
  const name = ctx.settings.target.container;
  const options = ctx.signal ? { signal: ctx.signal } : {};
  const d = await ctx.cluster.getDeployment(namespace, deployment, options);
  const container = deploymentContainer(d, name);
  if (!container)
    throw new ActionRefused(
      "no_container",
      `${namespace}/${deployment} has no container ${name} (RDEV_CONTAINER).`,
    );
  const from = container.env[envName] ?? null;
  if (from === ttl) {
    return {
      status: "already_done",
      summary: ctx.resumed
        ? `${envName} is already ${ttl}: an earlier attempt of this job set it, so it was not set again.`
        : `${envName} is already ${ttl}: nothing to change.`,
      details: { env: envName, from, to: ttl },
    };
  }
  await ctx.beforeWrite();
  await ctx.cluster.setEnv(namespace, deployment, name, envName, ttl, options);
  return {
    status: "applied",
    summary: `${envName} changed from ${from ?? "unset"} to ${ttl}; the rollout has started.`,
    details: { env: envName, from, to: ttl },
  };
}

export function cacheTtlProgress(
  d: DeploymentInfo,
  container: string,
  envName: string,
  ttl: string,
): Progress {
  const current = deploymentContainer(d, container)?.env[envName] ?? null;
  if (current !== ttl)
    return { done: false, summary: `the pod template has ${envName}=${current ?? "unset"}, not ${ttl}` };
  return rolloutProgress(d);
}

export const setCacheTtl: RemediationAction = {
  kind: "set-cache-ttl",
  plan: planSetCacheTtl,
  execute: executeSetCacheTtl,
  async verify(ctx): Promise<Progress> {
    const d = await readTargetDeployment(ctx);
    return cacheTtlProgress(
      d,
      ctx.settings.target.container,
      ctx.settings.cache.envName,
      ctx.job.params.ttl ?? "",
    );
  },
};
