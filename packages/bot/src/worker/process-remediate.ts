// The remediate queue's processor: validates the job, plans the action (a refusal ends the job at
// once), then runs the steps in remediate-steps.ts from wherever the job's saved state says. Every
// failure is told in the thread and on the incident timeline, with what happens next.

import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { clusterOf } from "../clusters/names.ts";
import { ACTIONS, actionTitle } from "../remediate/actions/index.ts";
import { ActionRefused, type ActionSettings } from "../remediate/actions/types.ts";
import { actionFailedMessage } from "../render/blocks/progress.ts";
import { authorise } from "./authorise.ts";
import type { WorkerDeps } from "./deps.ts";
import { classify, delayRun, finalError, isFinalAttempt } from "./failures.ts";
import { parseJobData, RemediateJobData, type RemediateState, type StoredOutcome } from "./job-state.ts";
import { announce, execute, type StepContext, scheduleVerify, watch } from "./remediate-steps.ts";
import { postBestEffort, record } from "./thread.ts";

export type RemediateResult = {
  status: StoredOutcome["status"] | null;
  summary: string | null;
  progress: string | null;
};

export function actionSettings(deps: Pick<WorkerDeps, "config">): ActionSettings {
  const { runbook } = deps.config;
  return {
    target: runbook.target,
    limits: runbook.limits,
    cache: runbook.cache,
    allowDeleteFallback: deps.config.allowDeleteFallback,
  };
}

function initialState(realNow: number): RemediateState {
  return {
    phase: "announce",
    startedAt: realNow,
    before: {},
    executeStarts: 0,
    writeAttempted: false,
    executeError: null,
    outcome: null,
    executeTookMs: null,
    watchStartedAt: null,
    progress: null,
    finishedAt: null,
    posted: [],
    undo: null,
  };
}

export async function processRemediate(deps: WorkerDeps, job: Job, token?: string): Promise<RemediateResult> {
  const parsed = parseJobData(RemediateJobData, job.data);
  if (!parsed.ok) throw new UnrecoverableError(parsed.error);
  const log = deps.logger.child({ jobId: job.id, proposalId: parsed.data.proposalId });
  // Every run, before anything else: the job is only a pointer to an approved, sealed proposal.
  const data = await authorise(deps, log, job, parsed.data);
  const action = ACTIONS[data.action];
  const settings = actionSettings(deps);
  const title = actionTitle(data);
  let state = data.state ?? initialState(deps.realNow());
  const save = async (patch: Partial<RemediateState>) => {
    state = { ...state, ...patch };
    await job.updateData({ ...data, state });
  };
  try {
    const planned = action.plan(data, settings);
    if (!planned.ok) throw new ActionRefused("refused", `Refused: ${planned.reason}`);
    const ctx: StepContext = {
      deps,
      log,
      jobId: String(job.id),
      data,
      action,
      plan: planned.plan,
      title,
      settings,
      state: () => state,
      save,
      delay: (realMs) => delayRun(job, token, realMs),
    };
    for (;;) {
      switch (state.phase) {
        case "announce":
          await announce(ctx);
          break;
        case "execute":
          await execute(ctx);
          break;
        case "watch":
          await watch(ctx);
          break;
        case "schedule-verify":
          await scheduleVerify(ctx);
          break;
        case "done":
          log.info({ outcome: state.outcome?.status }, "remediation finished");
          return {
            status: state.outcome?.status ?? null,
            summary: state.outcome?.summary ?? null,
            progress: state.progress,
          };
      }
    }
  } catch (error) {
    const failure = classify(error);
    if (failure.kind === "delayed") throw error;
    if (failure.kind === "rate_limited") {
      deps.metrics.slackRateLimited.inc();
      log.info({ retryAfterMs: failure.retryAfterMs }, "slack rate limited; job delayed");
      return await delayRun(job, token, failure.retryAfterMs);
    }
    const final = isFinalAttempt(job, failure);
    if (final)
      deps.metrics.actions.inc({
        action: data.action,
        outcome: failure.kind === "permanent" ? "refused" : "failed",
      });
    if (!state.posted.includes("failed")) {
      const attempts = job.opts.attempts ?? 1;
      const retry = final ? null : { attempt: job.attemptsMade + 1, of: attempts };
      await postBestEffort(
        deps,
        log,
        data.replyTo,
        actionFailedMessage({
          title,
          reason: failure.message,
          retry,
          diagnoseAgain: { incidentId: data.replyTo.incidentId, cluster: clusterOf(data.target.cluster) },
        }),
      );
      await record(deps, log, data.replyTo, final ? "action_failed" : "action_retry", {
        proposalId: data.proposalId,
        action: data.action,
        code: failure.code,
        message: failure.message,
        phase: state.phase,
      }).catch((e: unknown) => log.warn({ err: e }, "could not record the failure on the timeline"));
    }
    log.warn({ code: failure.code, final, phase: state.phase }, "remediation step failed");
    throw finalError(error, failure);
  }
}
