// The diagnose queue's processor: the runbook's investigation (runDiagnosis) against the cluster,
// posted into replyTo by postDiagnosis (which creates the proposals behind its buttons), the heap
// profile attached when one was captured, and its snapshot on the incident timeline (and as the
// workload's latest), which the next diagnosis compares with for its trend.
import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { followUpNote } from "../diagnose/follow-up.ts";
import { runDiagnosis } from "../diagnose/run-diagnosis.ts";
import type { Diagnosis } from "../diagnose/types.ts";
import { previousDiagnosis } from "../history/previous.ts";
import { recordDiagnosis } from "../history/record.ts";
import { botRestartsSince } from "../history/restarts.ts";
import { statusRootText } from "../slack/commands/status-root.ts";
import { postDiagnosis, saveDiagnosisDetails } from "../slack/post-diagnosis.ts";
import { slackErrorCode } from "../slack-web/errors.ts";
import { botChanges } from "./bot-changes.ts";
import { postMemoryChart, recordDiagnosis as recordChartSample, targetKey } from "./chart.ts";
import type { WorkerDeps } from "./deps.ts";
import { failStep } from "./failures.ts";
import { scheduleHeapGrowth } from "./heap-growth-schedule.ts";
import { DiagnoseJobData, parseJobData } from "./job-state.ts";
import { post, record, uploadFile } from "./thread.ts";

/** Turns the status thread's "Gathering diagnostics…" root into the verdict (best effort). */
async function updateStatusRoot(deps: WorkerDeps, data: DiagnoseJobData, d: Diagnosis): Promise<void> {
  if (!data.statusRoot) return;
  const id = data.replyTo.incidentId;
  const [record] = id ? await deps.incidents.readMany([id], 1) : [];
  const text = statusRootText({
    target: data.target,
    userId: data.requestedBy,
    verdict: { severity: d.severity, headline: d.headline },
    incident: record && id ? { id, alertName: record.incident.alertName, link: record.permalink } : null,
  });
  try {
    await deps.slack.chat.update({ channel: data.statusRoot.channel, ts: data.statusRoot.ts, text });
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === null || code === "ratelimited") throw error;
    // Deleted or no longer editable: the diagnosis in the thread stands on its own.
    deps.logger.warn({ error: code }, "status root message cannot be updated");
  }
}

/**
 * Posts the diagnosis into every thread that joined it (each with its own proposals), and turns
 * their status messages into the verdict; one at a time, remembered, so a retry does not repeat one.
 * A retry that no longer has the diagnosis says where it is instead.
 */
async function answerJoiners(
  deps: WorkerDeps,
  data: DiagnoseJobData,
  posted: { diagnosis: Diagnosis; detailsId: string } | null,
  save: (patch: Partial<DiagnoseJobData>) => Promise<void>,
): Promise<void> {
  const diagnosis = posted?.diagnosis ?? null;
  for (let i = data.joinersAnswered; i < data.joiners.length; i++) {
    const joiner = data.joiners[i];
    if (!joiner) continue;
    if (posted && diagnosis) {
      await postDiagnosis(
        {
          slack: deps.slack,
          proposals: deps.proposals,
          now: deps.realNow,
          proposalTtlMs: deps.config.proposalTtlMs,
        },
        {
          diagnosis,
          replyTo: joiner.replyTo,
          requestedBy: joiner.requestedBy,
          detailsId: posted.detailsId,
        },
      );
      if (joiner.statusRoot)
        await updateStatusRoot(
          deps,
          {
            ...data,
            statusRoot: joiner.statusRoot,
            requestedBy: joiner.requestedBy,
            replyTo: joiner.replyTo,
          },
          diagnosis,
        );
    } else {
      await post(deps, joiner.replyTo, {
        text: ":mag: The diagnosis you joined was posted in the thread of whoever asked first; ask again for a fresh one here.",
        blocks: [],
      });
    }
    await save({ joinersAnswered: i + 1 });
  }
}

/** Was the follow-up note attached for this incident already (by an earlier diagnosis)? */
async function followUpAlreadyPosted(deps: WorkerDeps, incidentId: string | null): Promise<boolean> {
  if (!incidentId) return false;
  const timeline = await deps.incidents.timeline(incidentId);
  return timeline.some((e) => e.type === "follow_up_posted");
}

export type DiagnoseResult = { severity: string; ts: string | null; proposals: number };

/** Fetches the pod's heap profile again (a retry after the diagnosis was posted has no bytes). */
async function refetchProfile(deps: WorkerDeps, pod: string): Promise<Buffer | null> {
  const { namespace, port, pprofPath } = deps.runbook.target;
  const res = await deps.cluster.proxyGet(namespace, pod, port, pprofPath);
  return res.status === 200 ? res.body : null;
}

export async function processDiagnose(deps: WorkerDeps, job: Job, token?: string): Promise<DiagnoseResult> {
  const parsed = parseJobData(DiagnoseJobData, job.data);
  if (!parsed.ok) throw new UnrecoverableError(parsed.error);
  let data = parsed.data;
  const log = deps.logger.child({
    jobId: job.id,
    requestId: data.requestId,
    incidentId: data.replyTo.incidentId,
  });
  const save = async (patch: Partial<DiagnoseJobData>) => {
    data = { ...data, ...patch };
    await job.updateData(data);
  };
  try {
    let profile: { pod: string; fileName: string; bytes: Buffer } | null = null;
    let diagnosis: Diagnosis | null = null;
    let detailsId: string | null = null;
    let result: DiagnoseResult = { severity: "unknown", ts: data.postedTs ?? null, proposals: 0 };
    if (data.postedTs === undefined) {
      const { incidents, snapshots } = deps;
      const previous = await previousDiagnosis(
        { incidents, snapshots, now: deps.now },
        { incidentId: data.replyTo.incidentId, target: data.target },
      );
      const run = await runDiagnosis(
        { cluster: deps.cluster, clock: { now: deps.now }, realNow: deps.realNow },
        {
          runbook: deps.runbook,
          heap: data.heapProfile ? "always" : "auto",
          previous,
          botRestarts: await botRestartsSince(
            incidents,
            deps.realNow() - deps.runbook.restartBudget.windowMs,
            deps.realNow(),
          ),
          history: deps.memoryHistory
            ? { label: deps.memoryHistory.label, source: deps.memoryHistory.source(targetKey(data.target)) }
            : null,
          botChanges: await botChanges(deps, data.replyTo.incidentId),
        },
      );
      const d = run.diagnosis;
      diagnosis = d;
      if (deps.memoryHistory) recordChartSample(deps.memoryHistory, d);
      // The flight lands: whoever joined while the cluster was read gets this diagnosis too.
      if (data.singleFlight) {
        const landed = await deps.flights.land(data.target, data.requestId);
        if (landed.length > 0) await save({ joiners: [...data.joiners, ...landed] });
      }
      // The full report behind the Details button, stored once for every thread it goes to.
      detailsId = randomUUID();
      await saveDiagnosisDetails(deps.details, {
        id: detailsId,
        diagnosis: d,
        channels: [data.replyTo.channel, ...data.joiners.map((j) => j.replyTo.channel)],
      });
      const posted = await postDiagnosis(
        {
          slack: deps.slack,
          proposals: deps.proposals,
          now: deps.realNow,
          proposalTtlMs: deps.config.proposalTtlMs,
        },
        { diagnosis: d, replyTo: data.replyTo, requestedBy: data.requestedBy, detailsId },
      );
      profile = run.heapProfile;
      await save({ postedTs: posted.ts, heapPod: profile?.pod ?? null, uploaded: profile === null });
      // Past the restart budget: a note for the service owners, once per incident.
      const note = followUpNote(d, { now: new Date(deps.realNow()).toISOString(), thread: null });
      if (note && !(await followUpAlreadyPosted(deps, data.replyTo.incidentId)))
        await save({ followUp: note });
      // A kill is forecast: measure the heap's growth before it destroys the evidence.
      await scheduleHeapGrowth(deps, d, data.target, data.replyTo).catch((error: unknown) =>
        log.warn({ err: error }, "could not schedule the heap growth measurement"),
      );
      deps.onEvent?.({ type: "diagnosis_posted", jobId: String(job.id), at: deps.realNow() });
      result = { severity: d.severity, ts: posted.ts, proposals: posted.proposalIds.length };
      // Recorded once, in the step that posted: a retry (postedTs saved) never appends it again.
      await recordDiagnosis(
        { incidents, snapshots },
        {
          incidentId: data.replyTo.incidentId,
          diagnosis: d,
          requestedBy: data.requestedBy,
          requestId: data.requestId,
          proposalIds: posted.proposalIds,
        },
      );
    }
    if (!data.statusUpdated && diagnosis) {
      await updateStatusRoot(deps, data, diagnosis);
      await save({ statusUpdated: true });
    }
    await answerJoiners(deps, data, diagnosis && detailsId ? { diagnosis, detailsId } : null, save);
    if (data.followUp && !data.followUpPosted) {
      await uploadFile(deps, data.replyTo, {
        name: `follow-up-${data.target.deployment}.md`,
        title: `Follow-up for the owners of ${data.target.namespace}/${data.target.deployment}`,
        bytes: Buffer.from(data.followUp, "utf8"),
        comment:
          ":memo: Restarts are hiding a leak: a follow-up note for the service owners, with what the bot found.",
      });
      await record(deps, log, data.replyTo, "follow_up_posted", { deployment: data.target.deployment });
      await save({ followUpPosted: true });
    }
    if (!data.charted && deps.memoryHistory) {
      const chart = await postMemoryChart({ ...deps, memoryHistory: deps.memoryHistory }, log, data.replyTo, {
        target: targetKey(data.target),
        diagnosis,
      });
      if (chart.status === "posted")
        deps.onEvent?.({ type: "chart_posted", jobId: String(job.id), at: deps.realNow() });
      await save({ charted: true });
    }
    if (!data.uploaded && data.heapPod) {
      const bytes = profile?.bytes ?? (await refetchProfile(deps, data.heapPod));
      if (bytes) {
        const name = profile?.fileName ?? `heap-${data.heapPod}.pb.gz`;
        const title = `Heap profile of ${data.heapPod}`;
        const comment = `${title}, captured for the diagnosis above (open with \`go tool pprof\`).`;
        await uploadFile(deps, data.replyTo, { name, title, bytes, comment });
      }
      await save({ uploaded: true });
    }
    return result;
  } catch (error) {
    return await failStep(deps, log, { job, token }, error, "diagnose job failed");
  }
}
