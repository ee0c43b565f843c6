// One Alertmanager notification -> incidents -> Slack. Alerts are grouped by incident key (alert
// name + namespace + workload) and folded into the store atomically, so any number of notifications
// through any number of replicas open one incident and one thread:
//   first firing  -> claimRoot -> root message in ALERT_CHANNEL -> setRoot -> diagnose job
//   later ones    -> coalesced root update
//   all resolved  -> incident resolved, pending approvals withdrawn, root update, and (for the
//                    runbook's workload) a review job: the worker reads the cluster and says in the
//                    thread why it ended (OOM kill, an action, a rollout, ...), never guessing here

import { formatDuration } from "../../diagnostics/format.ts";
import { ENTRY } from "../../history/entries.ts";
import { recordWithdrawn } from "../../history/record.ts";
import { summariseIncident } from "../../history/summary.ts";
import { inAlertFamily } from "../../incidents/alert-family.ts";
import type { Alert, AlertmanagerWebhook } from "../../incidents/alertmanager.ts";
import { incidentKey } from "../../incidents/incident-key.ts";
import type { Incident } from "../../incidents/model.ts";
import type { AppDeps } from "../deps.ts";
import { type RootUpdater, renderRoot } from "./root-updater.ts";

export type NotificationDeps = Pick<
  AppDeps,
  | "config"
  | "slack"
  | "incidents"
  | "proposals"
  | "queues"
  | "metrics"
  | "logger"
  | "now"
  | "instanceId"
  | "alertmanager"
> & { rootUpdater: RootUpdater; diagnosed: Set<string> };

export type NotificationResult = {
  incidents: { id: string; key: string; status: string; created: boolean }[];
};

/** Alerts grouped by incident key, in the order they came. Pure. */
export function groupByIncident(alerts: readonly Alert[]): Map<string, Alert[]> {
  const groups = new Map<string, Alert[]>();
  for (const alert of alerts) {
    const key = incidentKey(alert.labels);
    groups.set(key, [...(groups.get(key) ?? []), alert]);
  }
  return groups;
}

/** The diagnose job id of an incident's thread: one per incident, however many notifications. */
export const incidentRequestId = (incidentId: string) => `incident-${incidentId}`;

/** Is the incident the runbook's (its alerts, on the one workload the worker may read)? */
const isTarget = (deps: NotificationDeps, incident: Incident) =>
  incident.namespace === deps.config.runbook.target.namespace &&
  incident.workload === deps.config.runbook.target.deployment &&
  inAlertFamily(incident.alertName, deps.config.alerts.runbookAlerts);

async function enqueueDiagnosis(deps: NotificationDeps, incident: Incident): Promise<void> {
  const { namespace, deployment } = deps.config.runbook.target;
  if (!incident.root || deps.diagnosed.has(incident.id)) return;
  // Only the runbook's alerts on the configured workload are diagnosed; others keep a plain thread.
  if (!isTarget(deps, incident)) return;
  await deps.queues.enqueueDiagnose({
    requestId: incidentRequestId(incident.id),
    target: { namespace, deployment },
    replyTo: { channel: incident.root.channel, threadTs: incident.root.ts, incidentId: incident.id },
    requestedBy: "alertmanager",
    heapProfile: false,
    requestedAt: deps.now(),
  });
  deps.metrics.jobsEnqueued.inc({ queue: "diagnose", outcome: "queued" });
  deps.diagnosed.add(incident.id);
}

async function postRoot(deps: NotificationDeps, incident: Incident): Promise<Incident> {
  if (!(await deps.incidents.claimRoot(incident.id, deps.instanceId))) {
    // Another replica is posting the root; it renders whatever changed meanwhile.
    await deps.rootUpdater.markDirty(incident.id);
    return incident;
  }
  const rendered = await renderRoot(deps.incidents, incident.id, deps.now(), {
    dashboardUrl: deps.config.runbook.dashboardUrl,
    silences: deps.config.runbook.alertmanagerUrl !== null,
  });
  if (!rendered) return incident;
  const posted = await deps.slack.chat.postMessage({
    channel: deps.config.alertChannel,
    ...rendered.message,
    unfurl_links: false,
  });
  const root = { channel: posted.channel ?? deps.config.alertChannel, ts: String(posted.ts) };
  await deps.incidents.setRoot(incident.id, root);
  await deps.rootUpdater.rootPosted(incident.id);
  deps.logger.info({ incidentId: incident.id, key: incident.key, root }, "incident thread opened");
  return { ...incident, root };
}

/**
 * A silence made for the incident ends with it: a later incident of the same alerts must notify.
 * Best effort: if Alertmanager cannot be reached the silence runs out on its own; the record says.
 */
async function endSilence(deps: NotificationDeps, incidentId: string): Promise<void> {
  const [record] = await deps.incidents.readMany([incidentId]);
  const silence = record ? summariseIncident(record, deps.now()).silence : null;
  if (!silence) return;
  let reason = "resolved";
  try {
    await deps.alertmanager?.expireSilence(silence.id);
  } catch (error) {
    deps.logger.warn({ err: error, incidentId, silenceId: silence.id }, "could not expire a silence");
    reason = "resolved; Alertmanager could not be reached, so it runs out on its own";
  }
  await deps.incidents.appendTimeline(incidentId, {
    type: ENTRY.silenceRemoved,
    by: "app",
    data: { silenceId: silence.id, reason },
  });
}

async function resolve(deps: NotificationDeps, incident: Incident): Promise<void> {
  const result = await deps.incidents.resolve(incident.id, "alertmanager");
  if (result.outcome !== "resolved") return;
  deps.metrics.incidentsResolved.inc();
  const withdrawn = await deps.proposals.expireForIncident(incident.id);
  await recordWithdrawn(deps.incidents, { incidentId: incident.id, count: withdrawn });
  await endSilence(deps, incident.id);
  const resolved = result.incident;
  await deps.rootUpdater.changed(incident.id);
  if (isTarget(deps, resolved)) {
    // The worker reads the cluster and says why it ended; the root shows "checking why" meanwhile.
    await deps.queues.enqueueResolve({
      incidentId: resolved.id,
      target: {
        namespace: deps.config.runbook.target.namespace,
        deployment: deps.config.runbook.target.deployment,
      },
      withdrawn,
      requestedAt: deps.now(),
    });
    deps.metrics.jobsEnqueued.inc({ queue: "diagnose", outcome: "queued" });
    return;
  }
  // Not the runbook's workload: the bot cannot read it, so it only says that the alerts cleared.
  if (!resolved.root) return;
  const lasted = formatDuration(
    (resolved.resolvedAt ?? deps.now()) - (resolved.startsAt ?? resolved.createdAt),
  );
  const note =
    withdrawn > 0 ? ` ${withdrawn} pending approval${withdrawn === 1 ? " was" : "s were"} withdrawn.` : "";
  await deps.slack.chat.postMessage({
    channel: resolved.root.channel,
    thread_ts: resolved.root.ts,
    text: `:large_green_circle: Every alert of this incident cleared after ${lasted}. The bot does not watch ${resolved.namespace ?? "?"}/${resolved.workload ?? "?"}, so it cannot say why.${note}`,
  });
}

/** Folds alerts of one incident key into the store, opening, updating or resolving the incident. */
export async function foldGroup(deps: NotificationDeps, key: string, alerts: Alert[]) {
  const results = await Promise.all(alerts.map((alert) => deps.incidents.openOrUpdate(key, alert)));
  let latest: Incident | null = null;
  let created = false;
  for (const r of results) {
    if (!r.incident) continue;
    if (r.created) created = true;
    if (!latest || r.incident.notifications > latest.notifications) latest = r.incident;
  }
  if (created) deps.metrics.incidentsOpened.inc();
  if (!latest) return null;
  if (latest.status === "open" && latest.firingCount === 0) {
    await resolve(deps, latest);
    return { id: latest.id, key, status: "resolved", created };
  }
  if (!latest.root) latest = await postRoot(deps, latest);
  else await deps.rootUpdater.changed(latest.id);
  await enqueueDiagnosis(deps, latest);
  return { id: latest.id, key, status: latest.status, created };
}

export async function handleNotification(
  deps: NotificationDeps,
  webhook: AlertmanagerWebhook,
): Promise<NotificationResult> {
  // OTHER_ALERTS=ignore: alerts outside the runbook's family open nothing at all.
  const { runbookAlerts, others } = deps.config.alerts;
  const wanted = webhook.alerts.filter(
    (a) => others === "thread" || inAlertFamily(a.labels.alertname ?? "", runbookAlerts),
  );
  const groups = groupByIncident(wanted);
  const results = await Promise.all([...groups].map(([key, alerts]) => foldGroup(deps, key, alerts)));
  return { incidents: results.filter((r) => r !== null) };
}
