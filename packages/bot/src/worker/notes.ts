// What the thread is told when a job stops without its processor saying so itself: the worker is
// shutting down past its grace period (the job will be resumed), or BullMQ gave up on a job whose
// workers kept dying under it (stalled twice). Nothing half-done is left unexplained.
import type { Job } from "bullmq";
import { RemediateJob, ReplyTo } from "../queue/jobs.ts";
import { actionTitle } from "../remediate/actions/index.ts";
import { actionFailedMessage, actionInterruptedMessage } from "../render/blocks/progress.ts";
import type { WorkerDeps } from "./deps.ts";
import { postBestEffort, record } from "./thread.ts";

export type QueueKind = "diagnose" | "remediate" | "verify";

/** BullMQ's failedReason for a job that stalled more often than maxStalledCount allows. */
export const STALLED_TOO_OFTEN = "job stalled more than allowable limit";

function describeJob(kind: QueueKind, job: Job): { replyTo: ReplyTo; title: string; phase: string } | null {
  const data = job.data as { replyTo?: unknown; state?: { phase?: string }; title?: string } | null;
  const replyTo = ReplyTo.safeParse(data?.replyTo);
  if (!replyTo.success) return null;
  const remediate = RemediateJob.safeParse(job.data);
  const title =
    kind === "remediate" && remediate.success
      ? actionTitle(remediate.data)
      : kind === "verify"
        ? `Verification of ${data?.title ?? "the remediation"}`
        : "The diagnosis";
  const phase = kind === "remediate" ? (data?.state?.phase ?? "announce") : "sampling";
  return { replyTo: replyTo.data, title, phase };
}

export async function noteInterrupted(deps: WorkerDeps, kind: QueueKind, job: Job): Promise<void> {
  const d = describeJob(kind, job);
  if (!d) return;
  const log = deps.logger.child({ jobId: job.id });
  await postBestEffort(deps, log, d.replyTo, actionInterruptedMessage({ title: d.title, phase: d.phase }));
  await record(deps, log, d.replyTo, "action_interrupted", { jobId: job.id, phase: d.phase }).catch(() => {});
}

export async function noteAbandoned(deps: WorkerDeps, kind: QueueKind, job: Job): Promise<void> {
  const d = describeJob(kind, job);
  if (!d) return;
  const log = deps.logger.child({ jobId: job.id });
  const reason = `The workers running it stopped in the middle of it more than once (killed, OOM-killed or crashed), so it was not started again. It was at step ${d.phase}: check in the cluster what was applied before approving it again, and check the worker pods' restarts and logs.`;
  await postBestEffort(deps, log, d.replyTo, actionFailedMessage({ title: d.title, reason, retry: null }));
  await record(deps, log, d.replyTo, "action_failed", {
    jobId: job.id,
    phase: d.phase,
    code: "stalled",
  }).catch(() => {});
}
