// "Diagnose again": a fresh diagnosis in the same thread, for the same incident. The button's value
// is the incident id; the thread then comes from the stored incident, not from the payload. Outside
// an incident the diagnosis goes into the thread the button is in, for the cluster the button names
// (checked against CLUSTERS; none named: the only one). Clicks within 30 s make one job.
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { clusterOf, withCluster } from "../../clusters/names.ts";
import { commandCluster } from "../../clusters/route.ts";
import { findOpenIncident } from "../../intake/find-open.ts";
import type { ReplyTo, Target } from "../../queue/jobs.ts";
import { RedisUnavailableError } from "../../redis.ts";
import { DIAGNOSE_AGAIN_ACTION, parseDiagnoseAgainValue } from "../../render/blocks/diagnose-again.ts";
import type { AppDeps } from "../deps.ts";
import { postToResponseUrl } from "../reply.ts";

const COALESCE_MS = 30_000;
const REDIS_DOWN =
  ":warning: I cannot reach Redis, so I cannot queue the diagnosis right now. Nothing was started; please try again in a minute.";

export function registerDiagnoseAgain(app: App, deps: AppDeps): void {
  const workload = {
    namespace: deps.config.runbook.target.namespace,
    deployment: deps.config.runbook.target.deployment,
  };
  app.action<BlockAction<ButtonAction>>(DIAGNOSE_AGAIN_ACTION, async ({ ack, body, action }) => {
    await ack();
    deps.metrics.slackRequests.inc({ kind: "action" });
    const tell = (text: string) =>
      postToResponseUrl(
        body.response_url,
        { text, response_type: "ephemeral", replace_original: false },
        deps.fetch,
      );
    let target: Target = workload;
    try {
      const { incidentId, cluster } = parseDiagnoseAgainValue(action.value ?? "");
      let replyTo: ReplyTo;
      if (incidentId) {
        const incident = await deps.incidents.get(incidentId);
        if (!incident?.root)
          return await tell("This incident no longer exists (past its retention). Use `/rdev mem status`.");
        replyTo = { channel: incident.root.channel, threadTs: incident.root.ts, incidentId: incident.id };
        target = withCluster(workload, incident.cluster);
      } else {
        // Outside an incident: the cluster the button names (one this app serves), else the only one.
        const chosen = commandCluster(cluster ?? undefined, deps.config.clusters.names);
        if (!chosen.ok) return await tell(chosen.reason);
        target = withCluster(workload, chosen.cluster);
        const container = body.container as { channel_id?: string; message_ts?: string; thread_ts?: string };
        const channel = body.channel?.id ?? container.channel_id;
        const threadTs =
          container.thread_ts ?? (body.message?.thread_ts as string | undefined) ?? container.message_ts;
        if (!channel || !threadTs) return await tell("I cannot tell which thread this button is in.");
        const open = await findOpenIncident(deps.incidents, target);
        replyTo = { channel, threadTs, incidentId: open?.id ?? null };
      }
      const key = (replyTo.incidentId ?? replyTo.threadTs ?? "thread").replace(/[^A-Za-z0-9_-]/g, "_");
      const now = deps.now();
      // Coalesced from the first click on, not in windows cut from the clock (two clicks either side
      // of a window's end made two jobs).
      await deps.queues.enqueueDiagnose(
        {
          requestId: `again-${key}-${now}`,
          target,
          replyTo,
          requestedBy: body.user.id,
          heapProfile: false,
          requestedAt: now,
        },
        { coalesce: { id: `again-${key}`, windowMs: COALESCE_MS } },
      );
      deps.metrics.jobsEnqueued.inc({
        queue: "diagnose",
        outcome: "queued",
        cluster: clusterOf(target.cluster),
      });
      await tell(":mag: Diagnosing again; the result will appear in the thread.");
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      deps.metrics.jobsEnqueued.inc({
        queue: "diagnose",
        outcome: "redis_unavailable",
        cluster: clusterOf(target.cluster),
      });
      await tell(REDIS_DOWN);
    }
  });
}
