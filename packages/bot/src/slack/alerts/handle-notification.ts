// One Alertmanager notification -> incidents, durably, without waiting for Slack. Alerts are
// grouped by incident key (alert name + namespace + workload) and each group is folded into the
// store in one atomic call, so any number of notifications through any number of replicas open one
// incident per key, and the work is linear in the alerts. Slack posts go on the app's outbox queue
// (outbox/): the webhook answers as soon as Redis holds the alerts and the jobs.
//   first firing   -> root job (outbox posts the root, then queues the diagnosis)
//   later ones     -> root re-render (coalesced, in the background)
//   re-fire soon after resolving -> the same incident reopens (flap window)
//   past the per-minute cap      -> kept without a thread; one flood summary per minute
//   all resolved   -> incident resolved, pending approvals withdrawn, root re-render, and for the
//                     runbook's workload a review job (the worker says why it ended), else a
//                     "cleared" line from the outbox. A reopened incident's later resolutions are
//                     reviewed after the flap window, and only if it stayed resolved.

import { clusterOf, DEFAULT_CLUSTER, withCluster } from "../../clusters/names.ts";
import { alertCluster, type ClusterSettings } from "../../clusters/route.ts";
import { ENTRY } from "../../history/entries.ts";
import { recordWithdrawn } from "../../history/record.ts";
import { summariseIncident } from "../../history/summary.ts";
import { inAlertFamily } from "../../intake/alert-family.ts";
import type { Alert, AlertmanagerWebhook } from "../../intake/alertmanager.ts";
import { incidentKey, incidentKeyParts } from "../../intake/incident-key.ts";
import type { Incident } from "../../intake/model.ts";
import type { AppDeps } from "../deps.ts";
import type { Outbox } from "../outbox/queue.ts";
import { enqueueDiagnosis, type IncidentJobDeps, isRunbookIncident, isTarget } from "./incident-jobs.ts";
import type { RootUpdater } from "./root-updater.ts";

export { incidentRequestId } from "./incident-jobs.ts";

export type NotificationDeps = Pick<
  AppDeps,
  | "config"
  | "incidents"
  | "proposals"
  | "queues"
  | "metrics"
  | "logger"
  | "now"
  | "instanceId"
  | "alertmanager"
> &
  IncidentJobDeps & { rootUpdater: RootUpdater; outbox: Outbox };

export type NotificationResult = {
  incidents: { id: string; key: string; status: string; created: boolean; reopened: boolean }[];
  /** Incidents opened past the per-minute cap (kept, without a thread). */
  suppressed: number;
  /** Alerts not kept: past the per-incident cap. */
  dropped: number;
  /** Alerts whose cluster could not be told (logged with the reason), not taken. */
  unrouted?: { fingerprint: string; reason: string }[];
};

/** How long the flood summary waits for the burst to pass (later ones update it). */
export const FLOOD_SUMMARY_DELAY_MS = 3000;

/** Alerts grouped by incident key (in the default cluster), in the order they came. Pure, linear. */
export function groupByIncident(alerts: readonly Alert[]): Map<string, Alert[]> {
  const groups = new Map<string, Alert[]>();
  for (const [key, group] of routeAlerts(alerts, { names: [DEFAULT_CLUSTER], label: "cluster" }).groups)
    groups.set(key, group.alerts);
  return groups;
}

/**
 * Alerts grouped by cluster and incident key, in the order they came; alerts whose cluster cannot be
 * told (no label with several clusters, or a cluster this app does not serve) are set apart with
 * the reason. Pure, linear.
 */
export function routeAlerts(
  alerts: readonly Alert[],
  clusters: ClusterSettings,
): {
  groups: Map<string, { cluster: string; alerts: Alert[] }>;
  unrouted: { alert: Alert; reason: string }[];
} {
  const groups = new Map<string, { cluster: string; alerts: Alert[] }>();
  const unrouted: { alert: Alert; reason: string }[] = [];
  for (const alert of alerts) {
    const chosen = alertCluster(alert.labels, clusters);
    if (!chosen.ok) {
      unrouted.push({ alert, reason: chosen.reason });
      continue;
    }
    const key = incidentKey(alert.labels, chosen.cluster);
    const group = groups.get(key);
    if (group) group.alerts.push(alert);
    else groups.set(key, { cluster: chosen.cluster, alerts: [alert] });
  }
  return { groups, unrouted };
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
  deps.metrics.incidentsResolved.inc({ cluster: clusterOf(incident.cluster) });
  const withdrawn = await deps.proposals.expireForIncident(incident.id);
  await recordWithdrawn(deps.incidents, { incidentId: incident.id, count: withdrawn });
  await endSilence(deps, incident.id);
  const resolved = result.incident;
  await deps.rootUpdater.touch(incident.id);
  // A reopened incident's closing words wait out the flap window: only the last one is said.
  const round = resolved.reopened;
  const delayMs = round > 0 ? deps.incidents.caps.flapWindowMs : 0;
  if (isRunbookIncident(deps.config, resolved)) {
    // The worker reads the cluster and says why it ended; the root shows "checking why" meanwhile.
    await deps.queues.enqueueResolve(
      {
        incidentId: resolved.id,
        target: withCluster(
          {
            namespace: deps.config.runbook.target.namespace,
            deployment: deps.config.runbook.target.deployment,
          },
          resolved.cluster,
        ),
        withdrawn,
        round,
        requestedAt: deps.now(),
      },
      { delayMs },
    );
    deps.metrics.jobsEnqueued.inc({
      queue: "diagnose",
      outcome: "queued",
      cluster: clusterOf(resolved.cluster),
    });
    return;
  }
  // Not the runbook's workload: the bot cannot read it, so it only says that the alerts cleared.
  if (!resolved.suppressed)
    await deps.outbox.add({ kind: "cleared", incidentId: resolved.id, withdrawn, round }, { delayMs });
}

/** Folds alerts of one incident key into the store, opening, updating or resolving the incident. */
export async function foldGroup(
  deps: NotificationDeps,
  key: string,
  alerts: Alert[],
  cluster: string | null = null,
) {
  const parts = incidentKeyParts(alerts[0]?.labels ?? {});
  const exempt = isTarget(deps.config, {
    namespace: parts.namespace ?? null,
    workload: parts.workload ?? null,
  });
  const folded = await deps.incidents.openOrUpdateMany(key, alerts, { exempt, cluster });
  const incident = folded.incident;
  if (!incident) return null;
  if (folded.created) deps.metrics.incidentsOpened.inc({ cluster: clusterOf(incident.cluster) });
  if (folded.reopened) deps.metrics.alertGuards.inc({ guard: "reopened" });
  if (folded.suppressed) deps.metrics.alertGuards.inc({ guard: "suppressed" });
  if (folded.dropped > 0) deps.metrics.alertGuards.inc({ guard: "dropped" }, folded.dropped);
  const summary = { id: incident.id, key, created: folded.created, reopened: folded.reopened };
  if (incident.status === "open" && incident.firingCount === 0) {
    await resolve(deps, incident);
    return { ...summary, status: "resolved", folded };
  }
  if (incident.suppressed) {
    // One summary message per minute, posted once the burst has passed, updated if more follow.
    const minute = Math.floor(incident.createdAt / 60_000) * 60_000;
    if (folded.suppressed)
      await deps.outbox.add({ kind: "flood", minute }, { delayMs: FLOOD_SUMMARY_DELAY_MS });
  } else if (!incident.root) {
    // Whatever the outbox renders after this is new enough; a change after its render is redone.
    await deps.rootUpdater.markDirty(incident.id);
    await deps.outbox.add({ kind: "root", incidentId: incident.id });
  } else {
    await deps.rootUpdater.touch(incident.id);
    await enqueueDiagnosis(deps, incident);
  }
  return { ...summary, status: incident.status, folded };
}

/** Runs `work` over `items`, at most `limit` at a time (bounded memory for a flood of groups). */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return out;
}

export async function handleNotification(
  deps: NotificationDeps,
  webhook: Pick<AlertmanagerWebhook, "alerts">,
): Promise<NotificationResult> {
  // OTHER_ALERTS=ignore: alerts outside the runbook's family open nothing at all.
  const { runbookAlerts, others } = deps.config.alerts;
  const wanted = webhook.alerts.filter(
    (a) => others === "thread" || inAlertFamily(a.labels.alertname ?? "", runbookAlerts),
  );
  const { groups: routed, unrouted } = routeAlerts(wanted, deps.config.clusters);
  for (const { alert, reason } of unrouted) {
    deps.metrics.alertGuards.inc({ guard: "no_cluster" });
    deps.logger.warn(
      { alertname: alert.labels.alertname, fingerprint: alert.fingerprint, labels: alert.labels },
      `alert not taken: ${reason}`,
    );
  }
  const groups = [...routed];
  const results = await mapLimited(groups, 16, ([key, group]) =>
    foldGroup(deps, key, group.alerts, group.cluster),
  );
  const kept = results.filter((r) => r !== null);
  return {
    incidents: kept.map(({ folded: _, ...r }) => r),
    suppressed: kept.filter((r) => r.folded.suppressed).length,
    dropped: kept.reduce((n, r) => n + r.folded.dropped, 0),
    ...(unrouted.length > 0
      ? { unrouted: unrouted.map(({ alert, reason }) => ({ fingerprint: alert.fingerprint, reason })) }
      : {}),
  };
}
