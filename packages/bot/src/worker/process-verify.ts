// The verify queue's processor: the runbook's verification, scheduled STABILISATION_WINDOW after
// an action. Takes VERIFY_SAMPLES samples spaced by delayed steps (never a sleeping handler), then
// judges (packages/bot/src/verify/verify.ts), posts the result with before/after figures, proposes the
// runbook's next step on failure, and shows the outcome on the incident's root message.

import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { clusterOf } from "../clusters/names.ts";
import { runDiagnosis } from "../diagnose/run-diagnosis.ts";
import { botRestartsSince } from "../history/restarts.ts";
import { rolloutProgress } from "../remediate/actions/rollout.ts";
import { actionFailedMessage } from "../render/blocks/progress.ts";
import { type NextStepButton, verificationMessage } from "../render/blocks/verification.ts";
import { proposalParts } from "../slack/proposal-input.ts";
import { takeSample } from "../verify/sample.ts";
import { beforeAfter, nextSteps, storeSample, type Verdict, verifyVerdict } from "../verify/verify.ts";
import type { WorkerDeps } from "./deps.ts";
import { classify, delayRun, finalError, isFinalAttempt } from "./failures.ts";
import { parseJobData, VerifyJobData } from "./job-state.ts";
import { post, postBestEffort, record } from "./thread.ts";
import { offerUndo } from "./undo-offer.ts";

type Result = NonNullable<VerifyJobData["result"]>;

/** Runs a fresh diagnosis and turns the runbook's next steps into proposals with buttons. */
async function proposeNextSteps(
  deps: WorkerDeps,
  data: VerifyJobData,
  verdict: Verdict,
): Promise<NextStepButton[]> {
  const { diagnosis } = await runDiagnosis(
    { cluster: deps.cluster, clock: { now: deps.now }, realNow: deps.realNow },
    {
      runbook: deps.runbook,
      heap: "never",
      botRestarts: await botRestartsSince(
        deps.incidents,
        deps.realNow() - deps.runbook.restartBudget.windowMs,
        deps.realNow(),
      ),
    },
  );
  const steps = nextSteps({
    action: data.action,
    verdict,
    actions: diagnosis.actions,
    causes: diagnosis.causes,
  });
  const out: NextStepButton[] = [];
  for (const step of steps) {
    const parts = step.kind === "action" ? proposalParts(step.action, diagnosis) : null;
    const proposalId = parts
      ? await deps.proposals.createProposal({
          incidentId: data.replyTo.incidentId,
          action: { kind: parts.kind, params: parts.params },
          target: parts.target,
          requestedBy: "worker",
          channel: data.replyTo.channel,
          messageTs: null,
          expiresAt: deps.realNow() + deps.config.proposalTtlMs,
          // The way forward stays offered when the alerts clear (a fix that did not hold).
          keepAfterResolve: true,
        })
      : null;
    out.push({ step, proposalId });
  }
  return out;
}

async function judgeAndReport(
  deps: WorkerDeps,
  data: VerifyJobData,
  save: (p: Partial<VerifyJobData>) => Promise<void>,
) {
  const { namespace, deployment } = data.target;
  const pods = await takeSample(deps.cluster, deps.runbook, { withReady: true });
  const samples = [...data.samples, storeSample(deps.now(), pods)];
  const rollout = data.rollsPods
    ? rolloutProgress(await deps.cluster.getDeployment(namespace, deployment))
    : null;
  const verdict = verifyVerdict({
    warningPercent: deps.runbook.thresholds.warningPercent,
    tolerancePoints: deps.runbook.thresholds.trendTolerancePoints,
    samples,
    final: pods,
    restartsAtAction: data.restartsAtAction,
    actionFinishedAt: data.actionFinishedAt,
    rollout,
  });
  const next = verdict.passed ? [] : await proposeNextSteps(deps, data, verdict);
  // A change that did not hold can be taken back: Undo, offered with the next steps.
  const undo = verdict.passed
    ? null
    : await offerUndo(deps, {
        proposalId: data.proposalId,
        action: data.action,
        outcome: data.change,
        target: data.target,
        replyTo: data.replyTo,
      });
  const message = verificationMessage({
    title: data.title,
    verdict,
    before: data.before,
    samples,
    stabilisationMs: deps.config.stabilisationWindowMs,
    sampleIntervalMs: deps.config.verifySampleIntervalMs,
    nextSteps: next,
    undo,
    incidentId: data.replyTo.incidentId,
    cluster: clusterOf(data.target.cluster),
  });
  const posted = await post(deps, data.replyTo, message);
  if (posted.ts !== null) {
    const ts = posted.ts;
    const ids = [...next.map((n) => n.proposalId), undo?.proposalId ?? null];
    await Promise.all(
      ids.flatMap((id) => (id ? [deps.proposals.attachMessage(id, posted.channel, ts)] : [])),
    );
  }
  const figures = beforeAfter(data.before, samples);
  const result: Result = { passed: verdict.passed, at: deps.realNow(), ...figures, checks: verdict.checks };
  await save({ samples, reported: true, result });
  return { result, next, undo };
}

export async function processVerify(deps: WorkerDeps, job: Job, token?: string): Promise<Result> {
  const parsed = parseJobData(VerifyJobData, job.data);
  if (!parsed.ok) throw new UnrecoverableError(parsed.error);
  let data = parsed.data;
  const log = deps.logger.child({
    jobId: job.id,
    proposalId: data.proposalId,
    incidentId: data.replyTo.incidentId,
    cluster: clusterOf(data.target.cluster),
  });
  const save = async (patch: Partial<VerifyJobData>) => {
    data = { ...data, ...patch };
    await job.updateData(data);
  };
  try {
    if (!data.reported || !data.result) {
      if (data.samples.length + 1 < deps.config.verifySamples) {
        const pods = await takeSample(deps.cluster, deps.runbook, { withReady: false });
        await save({ samples: [...data.samples, storeSample(deps.now(), pods)] });
        return await delayRun(job, token, deps.realDelay(deps.config.verifySampleIntervalMs));
      }
      const { result, next, undo } = await judgeAndReport(deps, data, save);
      deps.metrics.verifications.inc({ action: data.action, result: result.passed ? "passed" : "failed" });
      await record(deps, log, data.replyTo, result.passed ? "verification_passed" : "verification_failed", {
        proposalId: data.proposalId,
        action: data.action,
        before: result.before,
        after: result.after,
        checks: result.checks,
        nextSteps: [
          ...next.map((n) => ({
            kind: n.step.kind === "action" ? n.step.action.kind : "advice",
            proposalId: n.proposalId,
          })),
          ...(undo ? [{ kind: "undo", proposalId: undo.proposalId }] : []),
        ],
      });
    }
    const result = data.result;
    if (!result) throw new Error("verification result missing after it was reported");
    // The root is re-rendered from the store, where the verdict now is (coalesced with the app).
    if (data.replyTo.incidentId) await deps.roots.changed(data.replyTo.incidentId);
    deps.onEvent?.({
      type: "verification",
      jobId: String(job.id),
      passed: result.passed,
      at: deps.realNow(),
    });
    return result;
  } catch (error) {
    const failure = classify(error);
    if (failure.kind === "delayed") throw error;
    if (failure.kind === "rate_limited") {
      deps.metrics.slackRateLimited.inc();
      return await delayRun(job, token, failure.retryAfterMs);
    }
    const final = isFinalAttempt(job, failure);
    if (final && !data.reported) {
      const reason = `${failure.message} The action itself is done; verify by hand with the runbook's commands.`;
      await postBestEffort(
        deps,
        log,
        data.replyTo,
        actionFailedMessage({ title: `Verification of ${data.title}`, reason, retry: null }),
      );
      await record(deps, log, data.replyTo, "verification_error", {
        proposalId: data.proposalId,
        message: failure.message,
      }).catch((e: unknown) => log.warn({ err: e }, "could not record the failure on the timeline"));
    }
    log.warn({ code: failure.code, final }, "verification step failed");
    throw finalError(error, failure);
  }
}
