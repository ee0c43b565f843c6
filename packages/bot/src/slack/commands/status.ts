// `/rdev mem status`: say "Gathering diagnostics..." where the command was typed and queue a
// diagnose job whose replies go into that message's thread. The worker posts the diagnosis there and
// turns this message into the verdict. While an incident is open for the workload, the thread
// belongs to it: the message links to it, the diagnosis and every action approved here go on its
// timeline and its root, and its timeline records the thread.
import { clusterOf } from "../../clusters/names.ts";
import { recordStatusThread } from "../../history/record.ts";
import { findOpenIncident } from "../../intake/find-open.ts";
import type { Incident } from "../../intake/model.ts";
import type { Target } from "../../queue/jobs.ts";
import { RedisUnavailableError } from "../../redis.ts";
import type { AppDeps } from "../deps.ts";
import { postInConversation, postToResponseUrl } from "../reply.ts";
import { statusRootText } from "./status-root.ts";

export type StatusRequest = {
  target: Target;
  channel: string;
  userId: string;
  responseUrl: string;
};

const REDIS_DOWN =
  ":warning: I cannot reach Redis, so I cannot queue the diagnosis right now. Nothing was started; please try again in a minute.";

/** The incident's thread link (cached on the incident), null when Slack cannot give one. */
async function threadLink(
  deps: Pick<AppDeps, "slack" | "incidents">,
  incident: Incident,
): Promise<string | null> {
  if (!incident.root) return null;
  const [record] = await deps.incidents.readMany([incident.id], 1);
  if (record?.permalink) return record.permalink;
  const answer = await deps.slack.chat
    .getPermalink({ channel: incident.root.channel, message_ts: incident.root.ts })
    .catch(() => null);
  const link = answer?.permalink ?? null;
  if (link) await deps.incidents.setPermalink(incident.id, link);
  return link;
}

export async function runStatus(
  deps: Pick<AppDeps, "slack" | "fetch" | "queues" | "now" | "newId" | "metrics" | "incidents" | "flights"> &
    Partial<Pick<AppDeps, "workers">>,
  request: StatusRequest,
): Promise<void> {
  const { target, channel, userId, responseUrl } = request;
  const cluster = clusterOf(target.cluster);
  const ephemeral = (text: string) =>
    postToResponseUrl(responseUrl, { text, response_type: "ephemeral" }, deps.fetch);
  try {
    await deps.queues.ping();
  } catch (error) {
    if (!(error instanceof RedisUnavailableError)) throw error;
    deps.metrics.jobsEnqueued.inc({ queue: "diagnose", outcome: "redis_unavailable", cluster });
    await ephemeral(REDIS_DOWN);
    return;
  }
  const incident = await findOpenIncident(deps.incidents, target);
  const link = incident ? await threadLink(deps, incident) : null;
  const posted = await postInConversation(
    deps.slack,
    { channel, responseUrl },
    {
      text: statusRootText({
        target,
        userId,
        verdict: null,
        incident: incident ? { id: incident.id, alertName: incident.alertName, link } : null,
      }),
    },
    deps.fetch,
  );
  if (incident && posted.ts) {
    await recordStatusThread(deps.incidents, {
      incidentId: incident.id,
      channel: posted.channel,
      ts: posted.ts,
      by: userId,
    });
  }
  try {
    const replyTo = {
      channel: posted.channel,
      threadTs: posted.ts,
      incidentId: incident?.id ?? null,
      ...(posted.via === "response_url" ? { responseUrl } : {}),
    };
    const statusRoot = posted.ts ? { channel: posted.channel, ts: posted.ts } : undefined;
    // One diagnosis in flight per target: a request while one runs joins it (same answer, here).
    const flight = await deps.flights.joinOrLead(target, deps.newId(), {
      replyTo,
      requestedBy: userId,
      ...(statusRoot ? { statusRoot } : {}),
    });
    if (flight.role === "joined") {
      deps.metrics.jobsEnqueued.inc({ queue: "diagnose", outcome: "joined", cluster });
      return;
    }
    await deps.queues.enqueueDiagnose({
      requestId: flight.requestId,
      target,
      replyTo,
      requestedBy: userId,
      heapProfile: false,
      requestedAt: deps.now(),
      singleFlight: true,
      ...(statusRoot ? { statusRoot } : {}),
    });
    deps.metrics.jobsEnqueued.inc({ queue: "diagnose", outcome: "queued", cluster });
    // The cluster's worker is down: say so now instead of leaving "Gathering diagnostics…" waiting.
    const notice = await deps.workers?.notice(target.cluster);
    if (notice)
      await postInConversation(
        deps.slack,
        { channel: posted.channel, threadTs: posted.ts, responseUrl },
        { text: notice },
        deps.fetch,
      );
  } catch (error) {
    if (!(error instanceof RedisUnavailableError)) throw error;
    deps.metrics.jobsEnqueued.inc({ queue: "diagnose", outcome: "redis_unavailable", cluster });
    await ephemeral(REDIS_DOWN);
  }
}
