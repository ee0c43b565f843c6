// The Slack outbox's processor, run by a BullMQ worker inside the app (runtime.ts). One job posts
// one thing: an incident's root message (then queues its first diagnosis), the "cleared" line of an
// incident the bot does not watch, or the summary of a minute past the new-incident cap.
// Slack's 429 moves the job back to the queue for Retry-After (no attempt used); 5xx, timeouts and
// Redis restarts are retried with backoff; permanent Slack errors end the job with a log line.
import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import type { IncidentStore } from "../../intake/store.ts";
import { classify, delayRun, finalError } from "../../queue/failures.ts";
import { clearedLine, enqueueDiagnosis, floodLine, type IncidentJobDeps } from "../alerts/incident-jobs.ts";
import { type RootUpdater, renderRoot } from "../alerts/root-updater.ts";
import type { AppDeps, WebClient } from "../deps.ts";
import { OutboxJob } from "./jobs.ts";

export type OutboxDeps = Pick<
  AppDeps,
  "config" | "metrics" | "logger" | "now" | "instanceId" | "redis" | "prefix"
> &
  Partial<Pick<AppDeps, "workers">> &
  IncidentJobDeps & {
    incidents: IncidentStore;
    /** Rejects rate-limited calls (the job is delayed by Retry-After instead) and times out. */
    slackOutbox: WebClient;
    rootUpdater: RootUpdater;
  };

/** Raised when another replica holds the root claim: retried with backoff until the root exists. */
class RootClaimed extends Error {
  override readonly name = "RootClaimed";
}

async function postRoot(deps: OutboxDeps, incidentId: string): Promise<string> {
  const incident = await deps.incidents.get(incidentId);
  if (!incident) return "gone";
  if (incident.root) {
    await enqueueDiagnosis(deps, incident);
    return "exists";
  }
  if (incident.suppressed) return "suppressed";
  // The job id keeps one job per incident; the claim also covers a job resumed after its worker
  // died while the first run's post is still in flight.
  if (!(await deps.incidents.claimRoot(incidentId, deps.instanceId)))
    throw new RootClaimed(`incident ${incidentId}: another replica is posting its root`);
  await deps.rootUpdater.rendering(incidentId);
  const rendered = await renderRoot(
    deps.incidents,
    incidentId,
    deps.now(),
    {
      dashboardUrl: deps.config.runbook.dashboardUrl,
      silences: deps.config.runbook.alertmanagerUrl !== null,
    },
    deps.workers,
  );
  if (!rendered) return "gone";
  let posted: Awaited<ReturnType<WebClient["chat"]["postMessage"]>>;
  try {
    posted = await deps.slackOutbox.chat.postMessage({
      channel: deps.config.alertChannel,
      ...rendered.message,
      unfurl_links: false,
    });
  } catch (error) {
    // Slack answered (429, 5xx, an error code): nothing was posted, so the claim can go.
    if ((error as { code?: string }).code !== "slack_webapi_request_error")
      await deps.incidents.releaseRoot(incidentId, deps.instanceId);
    throw error;
  }
  const root = { channel: posted.channel ?? deps.config.alertChannel, ts: String(posted.ts) };
  await deps.incidents.setRoot(incidentId, root);
  await deps.rootUpdater.rootPosted(incidentId);
  deps.logger.info({ incidentId, root }, "incident thread opened");
  await enqueueDiagnosis(deps, { ...incident, root });
  return "posted";
}

async function postCleared(deps: OutboxDeps, incidentId: string, withdrawn: number): Promise<string> {
  const incident = await deps.incidents.get(incidentId);
  if (!incident?.root) return "no_thread";
  // It fired again within the flap window: the resolution that sticks gets the line.
  if (incident.status === "open") return "reopened";
  await deps.slackOutbox.chat.postMessage({
    channel: incident.root.channel,
    thread_ts: incident.root.ts,
    text: clearedLine(incident, withdrawn, deps.now()),
  });
  return "posted";
}

/** One message per flooded minute: posted after the burst, then updated with later counts. */
async function postFlood(deps: OutboxDeps, minute: number): Promise<string> {
  const opened = await deps.incidents.openedInMinute(minute);
  const cap = deps.incidents.caps.incidentsPerMinuteMax;
  if (cap <= 0 || opened <= cap) return "under_cap";
  const text = floodLine(minute, opened, cap);
  const key = `${deps.prefix}:flood-message:${minute}`;
  const ts = await deps.redis.get(key);
  if (ts) {
    await deps.slackOutbox.chat.update({ channel: deps.config.alertChannel, ts, text });
    return "updated";
  }
  const posted = await deps.slackOutbox.chat.postMessage({ channel: deps.config.alertChannel, text });
  await deps.redis.set(key, String(posted.ts), "PX", 86_400_000);
  return "posted";
}

export async function processOutbox(deps: OutboxDeps, job: Job, token?: string): Promise<unknown> {
  const parsed = OutboxJob.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`not an outbox job: ${parsed.error.message}`);
  const data = parsed.data;
  try {
    const outcome =
      data.kind === "root"
        ? await postRoot(deps, data.incidentId)
        : data.kind === "cleared"
          ? await postCleared(deps, data.incidentId, data.withdrawn)
          : await postFlood(deps, data.minute);
    deps.metrics.outboxJobs.inc({ kind: data.kind, outcome });
    return { outcome };
  } catch (error) {
    const failure = classify(error);
    if (failure.kind === "delayed") throw error;
    if (failure.kind === "rate_limited") {
      deps.metrics.outboxJobs.inc({ kind: data.kind, outcome: "rate_limited" });
      return await delayRun(job, token, failure.retryAfterMs);
    }
    deps.metrics.outboxJobs.inc({ kind: data.kind, outcome: failure.kind });
    deps.logger.warn({ jobId: job.id, code: failure.code, err: error }, "Slack outbox post failed");
    throw finalError(error, failure);
  }
}
