// The review of an ended incident (diagnose queue, job name "resolve"): reads the workload's pods,
// converts the cluster's timestamps to real time, classifies why the incident ended from them and
// the bot's own timeline (packages/bot/src/history/resolution/classify.ts), records it, re-renders the root and posts
// one line in the thread. A failed verification's next step stays offered, with "Diagnose again".
// Step state lives in the job, so a retry never records or posts twice.
import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { recordOutcome } from "../history/record.ts";
import { type BotAction, classifyOutcome, type PodFacts } from "../history/resolution/classify.ts";
import { resolutionLine } from "../history/resolution/describe.ts";
import { summariseIncident } from "../history/summary.ts";
import type { PodInfo } from "../k8s/types.ts";
import { ResolveJob } from "../queue/jobs.ts";
import { diagnoseAgainBlock } from "../render/blocks/diagnose-again.ts";
import { SLACK_OUTCOME_FORMAT } from "../render/blocks/incident-root.ts";
import type { WorkerDeps } from "./deps.ts";
import { failStep } from "./failures.ts";
import { parseJobData } from "./job-state.ts";
import { post } from "./thread.ts";

const ResolveJobData = ResolveJob.extend({
  recorded: z.boolean().default(false),
  posted: z.boolean().default(false),
});
type ResolveJobData = z.infer<typeof ResolveJobData>;

/** Real time of a cluster timestamp (a simulated cluster's clock may run fast). */
export function toRealTime(deps: Pick<WorkerDeps, "now" | "realDelay">, realNow: number) {
  const clusterNow = deps.now();
  return (clusterMs: number): number => {
    const ago = clusterNow - clusterMs;
    return ago <= 0 ? realNow : realNow - deps.realDelay(ago);
  };
}

export function podFacts(
  pods: readonly PodInfo[],
  container: string,
  toReal: (clusterMs: number) => number,
): PodFacts[] {
  return pods.map((p) => {
    const c = p.containers.find((x) => x.name === container) ?? p.containers[0];
    const last = c?.lastTerminated ?? null;
    const finished = last?.finishedAt?.getTime() ?? null;
    return {
      name: p.name,
      replicaSet: p.ownerReplicaSet,
      createdAt: toReal(p.createdAt.getTime()),
      restartCount: c?.restartCount ?? 0,
      lastTermination: last
        ? {
            reason: last.reason,
            exitCode: last.exitCode,
            at: finished === null ? null : toReal(finished),
            clusterAt: finished,
          }
        : null,
      terminatedNow: c?.state === "terminated" ? c.stateReason : null,
    };
  });
}

export async function processResolve(deps: WorkerDeps, job: Job, token?: string): Promise<unknown> {
  const parsed = parseJobData(ResolveJobData, job.data);
  if (!parsed.ok) throw new UnrecoverableError(parsed.error);
  let data: ResolveJobData = parsed.data;
  const log = deps.logger.child({ jobId: job.id, incidentId: data.incidentId });
  const save = async (patch: Partial<ResolveJobData>) => {
    data = { ...data, ...patch };
    await job.updateData(data);
  };
  try {
    const [record] = await deps.incidents.readMany([data.incidentId]);
    if (!record) {
      log.warn({}, "incident gone before its review; nothing recorded");
      return { kind: null };
    }
    const realNow = deps.realNow();
    const { incident } = record;
    if (incident.status === "open") {
      // It re-fired within the flap window and was reopened: the last resolution gets the review.
      log.info({ round: data.round }, "incident reopened before its review; skipped");
      return { kind: "reopened" };
    }
    if (!data.recorded) {
      const summary = summariseIncident(record, realNow);
      const { namespace, selector, container } = deps.runbook.target;
      let pods: PodFacts[] | null = null;
      let readError: string | null = null;
      try {
        pods = podFacts(
          await deps.cluster.listPods(namespace, selector),
          container,
          toRealTime(deps, realNow),
        );
      } catch (error) {
        readError = error instanceof Error ? error.message : String(error);
        log.warn({ err: error }, "cluster not readable for the incident review");
      }
      const actions: BotAction[] = summary.actions.map((a) => ({
        proposalId: a.proposalId,
        action: a.action,
        text: a.text,
        approvedBy: a.approvedBy,
        appliedAt: a.appliedAt,
        verification: a.verification,
      }));
      const outcome = classifyOutcome({
        startedAt: Math.min(incident.startsAt ?? incident.createdAt, incident.createdAt),
        resolvedAt: incident.resolvedAt ?? realNow,
        alertPods: incident.pods.map((p) => p.pod),
        pods,
        readError,
        actions,
      });
      await recordOutcome(deps.incidents, { incidentId: incident.id, outcome });
      await save({ recorded: true });
      await deps.roots.changed(incident.id);
      log.info({ kind: outcome.kind }, "incident review recorded");
    }
    if (!data.posted && incident.root) {
      const [after] = await deps.incidents.readMany([data.incidentId]);
      const summary = after ? summariseIncident(after, realNow) : null;
      const ending = summary?.ending;
      if (ending && summary) {
        const lasted = (incident.resolvedAt ?? realNow) - (incident.startsAt ?? incident.createdAt);
        const withdrawn =
          data.withdrawn > 0
            ? ` ${data.withdrawn} pending approval${data.withdrawn === 1 ? " was" : "s were"} withdrawn.`
            : "";
        const offered =
          summary.nextSteps.length > 0
            ? " The next step offered after the failed verification is still open above."
            : "";
        const text = `${resolutionLine(ending, lasted, SLACK_OUTCOME_FORMAT)}${withdrawn}${offered}`;
        // A kill or a fix that did not hold leaves the cause in place: offer a fresh look.
        const fixedNothing =
          ending.kind !== "action" || ending.verification === "failed" || summary.nextSteps.length > 0;
        const blocks = [
          { type: "section" as const, text: { type: "mrkdwn" as const, text: text.slice(0, 3000) } },
          ...(fixedNothing ? [diagnoseAgainBlock({ incidentId: incident.id })] : []),
        ];
        await post(
          deps,
          { channel: incident.root.channel, threadTs: incident.root.ts, incidentId: incident.id },
          { text: text.slice(0, 3000), blocks },
        );
      }
      await save({ posted: true });
    }
    return { kind: "reviewed" };
  } catch (error) {
    return await failStep(deps, log, { job, token }, error, "incident review failed");
  }
}
