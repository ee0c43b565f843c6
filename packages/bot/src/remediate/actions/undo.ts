// Undo of a change the bot made to the Deployment: puts back exactly the value the memory limit or
// the cache TTL env var had before (or removes it when it was absent), after checking that the pod
// template still has the value the bot set. Someone else's later change is never overwritten: the
// check is made on a fresh read and again by the API server (the JSON patch tests the value), and
// a changed value is refused with its current value named. Rolls the pods like the change did.
import { KubeError } from "../../k8s/errors.ts";
import { quantityToBytes } from "../../k8s/quantity.ts";
import type { DeploymentInfo } from "../../k8s/types.ts";
import { decideUndo, subjectOf, type UndoSpec, undoSpec, undoTitle, undoWords } from "../undo.ts";
import {
  removeMemoryLimitCommand,
  setEnvCommand,
  setMemoryLimitCommand,
  unsetEnvCommand,
} from "./kubectl.ts";
import { limitRefusal, peakUsage } from "./raise-memory-limit.ts";
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

export function planUndo(job: ActionJob, settings: ActionSettings): PlanResult {
  const parsed = undoSpec(job.params);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const spec = parsed.spec;
  if (spec.envName && spec.envName !== settings.cache.envName)
    return {
      ok: false,
      reason: `the undo names ${spec.envName}, but the configured cache variable is ${settings.cache.envName} (CACHE_TTL_ENV); the bot changes only that one.`,
    };
  if (spec.restore !== null && !spec.envName) {
    const bytes = quantityToBytes(spec.restore);
    if (bytes === null || bytes <= 0)
      return { ok: false, reason: `${JSON.stringify(spec.restore)} is not a memory quantity` };
  }
  const { namespace, deployment } = job.target;
  const container = settings.target.container;
  const kubectl = spec.envName
    ? spec.restore === null
      ? unsetEnvCommand(namespace, deployment, container, spec.envName)
      : setEnvCommand(namespace, deployment, container, spec.envName, spec.restore)
    : spec.restore === null
      ? removeMemoryLimitCommand(namespace, deployment)
      : setMemoryLimitCommand(namespace, deployment, container, spec.restore);
  return {
    ok: true,
    plan: {
      kind: "undo",
      summary: `${undoTitle(spec)}: ${undoWords(spec)} on container ${container} of ${namespace}/${deployment}, if it is still ${spec.expected}; every pod is replaced, one at a time.`,
      kubectl,
      mechanism: `A JSON patch that first tests that ${subjectOf(spec)} is still ${spec.expected} (the API server rejects the whole patch otherwise), then ${spec.restore === null ? "removes it" : "replaces it"}${spec.envName ? "" : `, i being container ${container}`}.`,
      mutates: true,
      rollsPods: true,
    },
  };
}

function specOf(job: ActionJob): UndoSpec {
  const parsed = undoSpec(job.params);
  if (!parsed.ok) throw new ActionRefused("invalid_undo", parsed.reason);
  return parsed.spec;
}

/** What an env var set from a Secret or a field (valueFrom) reads as: never the bot's value. */
export const FROM_REFERENCE = "set from a reference (valueFrom)";

/** The value the undo is about in the pod template (null: absent). */
export function currentValue(d: DeploymentInfo, container: string, spec: UndoSpec): string | null {
  const c = deploymentContainer(d, container);
  if (!c) return null;
  if (!spec.envName) return c.memoryLimit;
  if (c.envFromRefs?.includes(spec.envName)) return FROM_REFERENCE;
  return c.env[spec.envName] ?? null;
}

async function readCurrent(ctx: ExecuteContext, spec: UndoSpec): Promise<string | null> {
  const d = await readTargetDeployment(ctx);
  const name = ctx.settings.target.container;
  if (!deploymentContainer(d, name))
    throw new ActionRefused(
      "no_container",
      `${ctx.job.target.namespace}/${ctx.job.target.deployment} has no container ${name} (RDEV_CONTAINER).`,
    );
  return currentValue(d, name, spec);
}

function alreadyDone(ctx: ExecuteContext, spec: UndoSpec, current: string | null): Outcome {
  const what = subjectOf(spec);
  const value = current ?? "unset";
  return {
    status: "already_done",
    summary: ctx.resumed
      ? `${what} is already ${value}: an earlier attempt of this undo put it back, so it was not patched again.`
      : `${what} is already ${value}, as before the change: nothing to undo.`,
    details: details(ctx, spec, current),
  };
}

function details(ctx: ExecuteContext, spec: UndoSpec, from: string | null): Outcome["details"] {
  return {
    undoOf: ctx.job.params.undoOf ?? null,
    undoes: spec.undoes,
    env: spec.envName,
    from,
    to: spec.restore,
    removed: spec.restore === null,
  };
}

/** A memory limit put back below what a pod uses now would OOM-kill its replacement: refused. */
async function checkLimitSafe(ctx: ExecuteContext, spec: UndoSpec, current: string | null): Promise<void> {
  if (spec.envName || spec.restore === null) return;
  const bytes = quantityToBytes(spec.restore) ?? 0;
  let metrics: Awaited<ReturnType<ExecuteContext["cluster"]["podMetrics"]>> = [];
  try {
    metrics = await ctx.cluster.podMetrics(ctx.job.target.namespace, ctx.settings.target.selector);
  } catch (error) {
    if (!(error instanceof KubeError && error.code === "not_found")) throw error;
  }
  const currentBytes = current === null ? null : quantityToBytes(current);
  const refusal = limitRefusal(
    spec.restore,
    bytes,
    peakUsage(metrics, ctx.settings.target.container),
    currentBytes,
  );
  if (refusal) throw new ActionRefused("unsafe_limit", `Not undone: ${refusal} Nothing was changed.`);
}

export async function executeUndo(ctx: ExecuteContext): Promise<Outcome> {
  const spec = specOf(ctx.job);
  const { namespace, deployment } = ctx.job.target;
  const name = ctx.settings.target.container;
  const current = await readCurrent(ctx, spec);
  const decision = decideUndo(spec, current);
  if (decision.kind === "changed") throw new ActionRefused("changed_since", decision.message);
  if (decision.kind === "already") return alreadyDone(ctx, spec, current);
  await checkLimitSafe(ctx, spec, current);
  await ctx.beforeWrite();
  try {
    await ctx.cluster.restoreContainerValue(
      namespace,
      deployment,
      name,
      {
        value: spec.envName ? { kind: "env", name: spec.envName } : { kind: "memory-limit" },
        current: current ?? spec.expected,
        restore: spec.restore,
      },
      ctx.signal ? { signal: ctx.signal } : {},
    );
  } catch (error) {
    // The API server's test failed: the value changed between the read and the patch.
    if (!(error instanceof KubeError && (error.code === "invalid" || error.code === "conflict"))) throw error;
    const now = await readCurrent(ctx, spec);
    const again = decideUndo(spec, now);
    if (again.kind === "changed") throw new ActionRefused("changed_since", again.message);
    if (again.kind === "already") return alreadyDone(ctx, spec, now);
    throw error;
  }
  const what = subjectOf(spec);
  const Cap = `${what.charAt(0).toUpperCase()}${what.slice(1)}`;
  return {
    status: "applied",
    summary:
      spec.restore === null
        ? `${Cap} was removed (it was ${current}, set by the bot; before that it was unset); the rollout has started.`
        : `${Cap} changed back from ${current} to ${spec.restore}; the rollout has started.`,
    details: details(ctx, spec, current),
  };
}

/** Whether the pod template has the restored value (or none) and the rollout is done. */
export function undoProgress(d: DeploymentInfo, container: string, spec: UndoSpec): Progress {
  const current = currentValue(d, container, spec);
  const what = subjectOf(spec);
  const restored =
    spec.restore === null
      ? current === null
      : current !== null &&
        (spec.envName
          ? current === spec.restore
          : quantityToBytes(current) === quantityToBytes(spec.restore));
  if (!restored)
    return {
      done: false,
      summary: `the pod template has ${what} ${current ?? "unset"}, not ${spec.restore ?? "unset"}`,
    };
  return rolloutProgress(d);
}

export const undo: RemediationAction = {
  kind: "undo",
  plan: planUndo,
  execute: executeUndo,
  async verify(ctx): Promise<Progress> {
    const d = await readTargetDeployment(ctx);
    return undoProgress(d, ctx.settings.target.container, specOf(ctx.job));
  },
};
