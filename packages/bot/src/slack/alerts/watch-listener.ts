// Messages of Alertmanager's own Slack notifier in WATCH_CHANNELS: the bot takes such a message as
// the incident root and answers in its thread (a diagnose job with threadTs = that message's ts).
import type { App } from "@slack/bolt";
import { withCluster } from "../../clusters/names.ts";
import { commandCluster } from "../../clusters/route.ts";
import { formatIncidentKey } from "../../intake/incident-key.ts";
import type { AppDeps } from "../deps.ts";
import { type NotifierEvent, notifierAlert } from "./notifier-message.ts";

/** The runbook's alert (manifests/alerts). */
export const RUNBOOK_ALERT = "RdevAPIHighMemory";

export function registerWatchListener(app: App, deps: AppDeps): void {
  if (deps.config.watchChannels.length === 0) return;
  const { namespace, deployment } = deps.config.runbook.target;
  app.event("message", async ({ event, context }) => {
    // Only the runbook's alert family (RUNBOOK_ALERTS) is answered with a diagnosis.
    const families = deps.config.alerts.runbookAlerts;
    const alert =
      families
        .map((alertName) =>
          notifierAlert(event as NotifierEvent, {
            alertName,
            watchChannels: deps.config.watchChannels,
            ownBotId: context.botId ?? null,
          }),
        )
        .find((a) => a !== null) ?? null;
    if (alert?.status !== "firing") return;
    deps.metrics.slackRequests.inc({ kind: "notifier_message" });
    // Slack redelivers events it thinks were lost, and replicas share the work: answer once.
    const first = await deps.redis.set(
      `${deps.prefix}:notifier-seen:${alert.channel}:${alert.ts}`,
      deps.instanceId,
      "PX",
      86_400_000,
      "NX",
    );
    if (first === null) return;
    // A notifier message does not name its cluster: answered only when there is one cluster.
    const only = commandCluster(undefined, deps.config.clusters.names);
    if (!only.ok) {
      deps.logger.warn(
        { channel: alert.channel, ts: alert.ts },
        `notifier message not diagnosed: ${only.reason}`,
      );
      return;
    }
    const open = await deps.incidents.findOpen(
      formatIncidentKey(
        { alertName: families[0] ?? RUNBOOK_ALERT, namespace, workload: deployment },
        only.cluster,
      ),
    );
    await deps.slack.chat.postMessage({
      channel: alert.channel,
      thread_ts: alert.ts,
      text: `:mag: Gathering diagnostics for \`${namespace}/${deployment}\`…`,
    });
    await deps.queues.enqueueDiagnose({
      requestId: `notifier-${alert.channel}-${alert.ts.replace(".", "-")}`,
      target: withCluster({ namespace, deployment }, only.cluster),
      replyTo: { channel: alert.channel, threadTs: alert.ts, incidentId: open?.id ?? null },
      requestedBy: "alertmanager",
      heapProfile: false,
      requestedAt: deps.now(),
    });
    deps.metrics.jobsEnqueued.inc({ queue: "diagnose", outcome: "queued", cluster: only.cluster });
  });
}
