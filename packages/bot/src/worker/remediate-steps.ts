// The steps of a remediate job: announce -> execute -> watch (delayed steps until the rollout is
// done or ROLLOUT_DEADLINE) -> schedule-verify -> done. Each step saves its result in the job data
// before the next one starts, so a retried or recovered job resumes where it stopped and knows
// whether the cluster write may already have happened.

import { UnrecoverableError } from "bullmq";
import { clusterOf } from "../clusters/names.ts";
import type { Logger } from "../logger.ts";
import { jobIds } from "../queue/jobs.ts";
import type { ActionSettings, Outcome, Plan, RemediationAction } from "../remediate/actions/types.ts";
import {
  actionAppliedMessage,
  actionFinishedMessage,
  actionStartingMessage,
  heapProfileMessage,
  rolloutStuckMessage,
} from "../render/blocks/progress.ts";
import { entryOf } from "../runbooks/high-memory/catalog/index.ts";
import { percentByPod, restartsByUid, takeSample } from "../verify/sample.ts";
import type { WorkerDeps } from "./deps.ts";
import type { RemediateJobData, RemediateState, StoredOutcome, VerifyJobData } from "./job-state.ts";
import { type Message, post, record, uploadFile } from "./thread.ts";
import { offerUndo } from "./undo-offer.ts";

/** What a step needs: the job (data and persistence), the action, and the deps. */
export type StepContext = {
  deps: WorkerDeps;
  log: Logger;
  jobId: string;
  data: RemediateJobData;
  action: RemediationAction;
  plan: Plan;
  title: string;
  settings: ActionSettings;
  state(): RemediateState;
  save(patch: Partial<RemediateState>): Promise<void>;
  /** Ends this run and runs the job again after `realMs` (moveToDelayed + DelayedError). */
  delay(realMs: number): Promise<never>;
};

/** Posts `message` once per job, whatever happens later: the key is saved right after posting. */
async function postOnce(ctx: StepContext, key: string, message: Message): Promise<void> {
  if (ctx.state().posted.includes(key)) return;
  await post(ctx.deps, ctx.data.replyTo, message);
  await ctx.save({ posted: [...ctx.state().posted, key] });
}

export async function announce(ctx: StepContext): Promise<void> {
  const { deps, data } = ctx;
  // Memory before the action, for verification's before/after (only actions that replace pods).
  const before = ctx.plan.rollsPods
    ? await takeSample(deps.cluster, deps.runbook, { withReady: false }).then(percentByPod, (error) => {
        ctx.log.warn({ err: error }, "could not read memory before the action");
        return {};
      })
    : {};
  await postOnce(
    ctx,
    "starting",
    actionStartingMessage({ plan: ctx.plan, approvedBy: data.approvedBy, resumed: false }),
  );
  await record(deps, ctx.log, data.replyTo, "action_started", {
    proposalId: data.proposalId,
    action: data.action,
    params: data.params,
    approvedBy: data.approvedBy,
    kubectl: ctx.plan.kubectl,
  });
  await ctx.save({ before, phase: "execute" });
}

function nextPhase(plan: Plan, outcome: Outcome): RemediateState["phase"] {
  if (outcome.status === "nothing_to_do" || !plan.rollsPods) return "done";
  return "watch";
}

async function report(ctx: StepContext, outcome: Outcome, tookMs: number): Promise<void> {
  const { deps } = ctx;
  if (outcome.file) {
    // Read-only: if this upload fails, the retry fetches a fresh profile; no step boundary needed.
    await uploadFile(deps, ctx.data.replyTo, outcome.file);
    const pod = String(outcome.details.pod ?? "");
    await postOnce(ctx, "applied", heapProfileMessage({ pod, summary: outcome.file.summary, tookMs }));
    return;
  }
  const waitingMs = nextPhase(ctx.plan, outcome) === "watch" ? deps.config.rolloutDeadlineMs : null;
  if (ctx.state().posted.includes("applied")) return;
  const undo = ctx.state().undo ?? (await offerUndoOnce(ctx, outcome));
  const posted = await post(
    deps,
    ctx.data.replyTo,
    actionAppliedMessage({ plan: ctx.plan, outcome, tookMs, waitingMs, undo }),
  );
  await ctx.save({ posted: [...ctx.state().posted, "applied"] });
  if (undo && posted.ts !== null)
    await deps.proposals.attachMessage(undo.proposalId, posted.channel, posted.ts).catch((e: unknown) => {
      ctx.log.warn({ err: e }, "could not attach the undo proposal to its message");
    });
}

/** The Undo of an applied change to the Deployment, made once per job (saved before it is posted). */
async function offerUndoOnce(ctx: StepContext, outcome: Outcome) {
  const { data } = ctx;
  const undo = await offerUndo(ctx.deps, {
    proposalId: data.proposalId,
    action: data.action,
    outcome,
    target: data.target,
    replyTo: data.replyTo,
  });
  if (undo) await ctx.save({ undo });
  return undo;
}

async function runAction(ctx: StepContext): Promise<{ outcome: Outcome; tookMs: number }> {
  const { deps, data } = ctx;
  const s = ctx.state();
  const resumed = s.writeAttempted;
  // The previous attempt reached the write and then vanished (worker killed or shut down): say so.
  if (resumed && s.executeError === null) {
    await postOnce(
      ctx,
      `resumed-${s.executeStarts}`,
      actionStartingMessage({ plan: ctx.plan, approvedBy: data.approvedBy, resumed: true }),
    );
  }
  await ctx.save({ executeStarts: s.executeStarts + 1, executeError: null });
  deps.onEvent?.({ type: "action_started", jobId: ctx.jobId, action: data.action, at: deps.realNow() });
  const started = performance.now();
  let outcome: Outcome;
  try {
    outcome = await ctx.action.execute({
      cluster: deps.cluster,
      settings: ctx.settings,
      job: data,
      resumed,
      beforeWrite: async () => {
        if (!ctx.state().writeAttempted) await ctx.save({ writeAttempted: true });
      },
    });
  } catch (error) {
    await ctx.save({ executeError: error instanceof Error ? error.message : String(error) }).catch(() => {});
    throw error;
  }
  const tookMs = performance.now() - started;
  const stored: StoredOutcome = {
    status: outcome.status,
    summary: outcome.summary,
    details: outcome.details,
  };
  await ctx.save({ outcome: stored, executeTookMs: tookMs });
  deps.metrics.actions.inc({ action: data.action, outcome: outcome.status });
  deps.onEvent?.({
    type: "action_applied",
    jobId: ctx.jobId,
    action: data.action,
    status: outcome.status,
    at: deps.realNow(),
  });
  return { outcome, tookMs };
}

export async function execute(ctx: StepContext): Promise<void> {
  const { deps, data } = ctx;
  const s = ctx.state();
  // A change whose outcome is recorded is never applied again: a retry (say, after a Slack 429 on the
  // report) only reports it. Read-only actions run again (the heap profile bytes are not stored).
  const { outcome, tookMs } =
    s.outcome && ctx.plan.mutates
      ? { outcome: s.outcome, tookMs: s.executeTookMs ?? 0 }
      : await runAction(ctx);
  await report(ctx, outcome, tookMs);
  await record(deps, ctx.log, data.replyTo, `action_${outcome.status}`, {
    proposalId: data.proposalId,
    action: data.action,
    summary: outcome.summary,
    details: outcome.details,
    ...previousValue(data.action, outcome),
    undoProposalId: ctx.state().undo?.proposalId ?? null,
    tookMs: Math.round(tookMs),
  });
  const phase = nextPhase(ctx.plan, outcome);
  await ctx.save({ phase, watchStartedAt: phase === "watch" ? deps.now() : null });
}

/**
 * The value a change to the pod template replaced, for the timeline: `previous`, or `wasUnset`
 * when the env var or limit was absent. Empty for actions that set no value.
 */
export function previousValue(action: string, outcome: Pick<Outcome, "details">) {
  if (entryOf(action)?.recordsPrevious !== true) return {};
  if (!("from" in outcome.details)) return {};
  const from = outcome.details.from;
  return { previous: typeof from === "string" ? from : null, wasUnset: from === null };
}

export async function watch(ctx: StepContext): Promise<void> {
  const { deps, data } = ctx;
  const s = ctx.state();
  const outcome = s.outcome ?? { status: "applied", details: {} };
  const progress = await ctx.action.verify({
    cluster: deps.cluster,
    settings: ctx.settings,
    job: data,
    outcome,
  });
  const waited = deps.now() - (s.watchStartedAt ?? deps.now());
  if (progress.done) {
    const verifyInMs = deps.config.stabilisationWindowMs;
    const tookMs = deps.realNow() - s.startedAt;
    await postOnce(
      ctx,
      "finished",
      actionFinishedMessage({
        plan: ctx.plan,
        progress: progress.summary,
        tookMs,
        verifyInMs,
        diagnoseAgain: { incidentId: data.replyTo.incidentId, cluster: clusterOf(data.target.cluster) },
      }),
    );
    await record(deps, ctx.log, data.replyTo, "action_finished", {
      proposalId: data.proposalId,
      progress: progress.summary,
    });
    await ctx.save({ phase: "schedule-verify", progress: progress.summary, finishedAt: deps.now() });
    return;
  }
  if (waited >= deps.config.rolloutDeadlineMs) {
    await postOnce(
      ctx,
      "stuck",
      rolloutStuckMessage({ plan: ctx.plan, progress: progress.summary, waitedMs: waited }),
    );
    await record(deps, ctx.log, data.replyTo, "action_rollout_stuck", {
      proposalId: data.proposalId,
      progress: progress.summary,
    });
    await ctx.save({ progress: progress.summary, posted: [...ctx.state().posted, "failed"] });
    throw new UnrecoverableError(`the rollout did not finish within ROLLOUT_DEADLINE: ${progress.summary}`);
  }
  await ctx.save({ progress: progress.summary });
  await ctx.delay(deps.realDelay(deps.config.rolloutPollIntervalMs));
}

export async function scheduleVerify(ctx: StepContext): Promise<void> {
  const { deps, data } = ctx;
  const s = ctx.state();
  const pods = await takeSample(deps.cluster, deps.runbook, { withReady: false });
  const verify: VerifyJobData = {
    proposalId: data.proposalId,
    action: data.action,
    target: data.target,
    replyTo: data.replyTo,
    actionFinishedAt: s.finishedAt ?? deps.now(),
    before: s.before,
    samples: [],
    restartsAtAction: restartsByUid(pods),
    title: ctx.title,
    rollsPods: ctx.plan.rollsPods,
    change: s.outcome ? { status: s.outcome.status, details: s.outcome.details } : null,
    reported: false,
    result: null,
  };
  const delay = deps.realDelay(deps.config.stabilisationWindowMs);
  await deps.verifyQueue.add("verify", verify, { jobId: jobIds.verify(data.proposalId), delay });
  await record(deps, ctx.log, data.replyTo, "verification_scheduled", {
    proposalId: data.proposalId,
    inMs: deps.config.stabilisationWindowMs,
  });
  await ctx.save({ phase: "done" });
}
