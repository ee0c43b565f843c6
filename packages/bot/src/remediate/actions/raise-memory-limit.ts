// Runbook "Short-term: Increase Limits": sets the container's memory limit to the approved value
// (a target, never "+50%"), with the runbook's JSON patch (cluster.setMemoryLimit). Refuses values
// above MEMORY_LIMIT_MAX, and values at or below what any pod uses right now (checked before
// patching: such a pod would be OOM-killed as soon as it restarts with the new limit).
import { formatBytes } from "../../diagnose/format.ts";
import { KubeError } from "../../k8s/errors.ts";
import { quantityToBytes } from "../../k8s/quantity.ts";
import type { DeploymentInfo, PodMetrics } from "../../k8s/types.ts";
import { setMemoryLimitCommand } from "./kubectl.ts";
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

export function planRaiseMemoryLimit(job: ActionJob, settings: ActionSettings): PlanResult {
  const value = job.params.memoryLimit;
  if (!value) return { ok: false, reason: "the job has no memoryLimit value" };
  const bytes = quantityToBytes(value);
  if (bytes === null || bytes <= 0)
    return { ok: false, reason: `${JSON.stringify(value)} is not a memory quantity like 768Mi or 1Gi` };
  if (bytes > settings.limits.memoryLimitMaxBytes) {
    return {
      ok: false,
      reason: `${value} is above the configured maximum ${settings.limits.memoryLimitMax} (MEMORY_LIMIT_MAX): approve at most ${settings.limits.memoryLimitMax}, or raise MEMORY_LIMIT_MAX.`,
    };
  }
  const { namespace, deployment } = job.target;
  const container = settings.target.container;
  return {
    ok: true,
    plan: {
      kind: "raise-memory-limit",
      summary: `Set the memory limit of container ${container} in ${namespace}/${deployment} to ${value}; every pod is replaced, one at a time.`,
      kubectl: setMemoryLimitCommand(namespace, deployment, container, value),
      mechanism: `A JSON patch as in the runbook: replace /spec/template/spec/containers/<i>/resources/limits/memory with "${value}", i being container ${container}.`,
      mutates: true,
      rollsPods: true,
    },
  };
}

/** The pod using the most memory, from metrics.k8s.io (the target container, else the pod total). */
export function peakUsage(
  metrics: readonly PodMetrics[],
  container: string,
): { pod: string; bytes: number } | null {
  let peak: { pod: string; bytes: number } | null = null;
  for (const m of metrics) {
    const named = m.containers.find((c) => c.name === container);
    const bytes = named ? named.memoryBytes : m.containers.reduce((sum, c) => sum + c.memoryBytes, 0);
    if (!peak || bytes > peak.bytes) peak = { pod: m.name, bytes };
  }
  return peak;
}

/** Why `bytes` is unsafe given the pods' usage and the current limit, or null when it is safe. */
export function limitRefusal(
  value: string,
  bytes: number,
  peak: { pod: string; bytes: number } | null,
  currentBytes: number | null,
): string | null {
  if (peak && bytes <= peak.bytes) {
    return `${value} is at or below what ${peak.pod} uses right now (${formatBytes(peak.bytes)}): its replacement would be OOM-killed. Choose a value above ${formatBytes(peak.bytes)}.`;
  }
  if (!peak && (currentBytes === null || bytes < currentBytes)) {
    return `memory usage is unavailable (metrics.k8s.io), so lowering the limit to ${value} cannot be checked against it; install metrics-server or choose a value above the current limit.`;
  }
  return null;
}

async function usageOrNull(ctx: ExecuteContext): Promise<PodMetrics[] | null> {
  try {
    const options = ctx.signal ? { signal: ctx.signal } : {};
    return await ctx.cluster.podMetrics(ctx.job.target.namespace, ctx.settings.target.selector, options);
  } catch (error) {
    if (error instanceof KubeError && error.code === "not_found") return null; // no metrics-server
    throw error;
  }
}

export async function executeRaiseMemoryLimit(ctx: ExecuteContext): Promise<Outcome> {
  const value = ctx.job.params.memoryLimit ?? "";
  const bytes = quantityToBytes(value);
  if (bytes === null)
    throw new ActionRefused("invalid_value", `${JSON.stringify(value)} is not a memory quantity`);
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
  const from = container.memoryLimit;
  const fromBytes = from === null ? null : quantityToBytes(from);
  if (fromBytes === bytes) {
    return {
      status: "already_done",
      summary: ctx.resumed
        ? `The memory limit is already ${from}: an earlier attempt of this job applied it, so it was not patched again.`
        : `The memory limit is already ${from}: nothing to change.`,
      details: { from, to: value },
    };
  }
  const refusal = limitRefusal(value, bytes, peakUsage((await usageOrNull(ctx)) ?? [], name), fromBytes);
  if (refusal) throw new ActionRefused("unsafe_limit", refusal);
  await ctx.beforeWrite();
  await ctx.cluster.setMemoryLimit(namespace, deployment, name, value, options);
  return {
    status: "applied",
    summary: `Memory limit of ${name} changed from ${from ?? "none"} to ${value}; the rollout has started.`,
    details: { from, to: value },
  };
}

export function memoryLimitProgress(d: DeploymentInfo, container: string, value: string): Progress {
  const current = deploymentContainer(d, container)?.memoryLimit ?? null;
  if (current === null || quantityToBytes(current) !== quantityToBytes(value))
    return { done: false, summary: `the pod template's memory limit is ${current ?? "unset"}, not ${value}` };
  return rolloutProgress(d);
}

export const raiseMemoryLimit: RemediationAction = {
  kind: "raise-memory-limit",
  plan: planRaiseMemoryLimit,
  execute: executeRaiseMemoryLimit,
  async verify(ctx): Promise<Progress> {
    const d = await readTargetDeployment(ctx);
    return memoryLimitProgress(d, ctx.settings.target.container, ctx.job.params.memoryLimit ?? "");
  },
};
