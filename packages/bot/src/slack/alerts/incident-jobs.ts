// What an incident's thread gets queued, shared by the webhook (handle-notification.ts) and the
// Slack outbox (outbox/process.ts): the first diagnosis once the root exists, and the line saying
// that alerts of a workload the bot does not watch cleared.
import { clusterOf, withCluster } from "../../clusters/names.ts";
import { formatDuration } from "../../diagnose/format.ts";
import { inAlertFamily } from "../../intake/alert-family.ts";
import type { Incident } from "../../intake/model.ts";
import type { AppDeps } from "../deps.ts";

export type IncidentJobDeps = Pick<AppDeps, "config" | "queues" | "metrics" | "now"> & {
  /** Incidents whose diagnosis this replica queued already (saves a Redis call; ids dedupe anyway). */
  diagnosed: Set<string>;
};

/** The diagnose job id of an incident's thread: one per incident, however many notifications. */
export const incidentRequestId = (incidentId: string) => `incident-${incidentId}`;

/** Is the incident about the runbook's workload (the only one the worker may read)? */
export const isTarget = (
  config: Pick<AppDeps["config"], "runbook">,
  incident: Pick<Incident, "namespace" | "workload">,
) =>
  incident.namespace === config.runbook.target.namespace &&
  incident.workload === config.runbook.target.deployment;

/** The runbook's own incident: its workload, and an alert of its family (RUNBOOK_ALERTS). */
export const isRunbookIncident = (
  config: Pick<AppDeps["config"], "runbook" | "alerts">,
  incident: Pick<Incident, "namespace" | "workload" | "alertName">,
) => isTarget(config, incident) && inAlertFamily(incident.alertName, config.alerts.runbookAlerts);

const DIAGNOSED_KEPT = 10_000;

export async function enqueueDiagnosis(deps: IncidentJobDeps, incident: Incident): Promise<void> {
  const { namespace, deployment } = deps.config.runbook.target;
  if (!incident.root || deps.diagnosed.has(incident.id)) return;
  // Only the runbook's alerts on the configured workload are diagnosed; others keep a plain thread.
  if (!isRunbookIncident(deps.config, incident)) return;
  await deps.queues.enqueueDiagnose({
    requestId: incidentRequestId(incident.id),
    target: withCluster({ namespace, deployment }, incident.cluster),
    replyTo: { channel: incident.root.channel, threadTs: incident.root.ts, incidentId: incident.id },
    requestedBy: "alertmanager",
    heapProfile: false,
    requestedAt: deps.now(),
  });
  deps.metrics.jobsEnqueued.inc({
    queue: "diagnose",
    outcome: "queued",
    cluster: clusterOf(incident.cluster),
  });
  if (deps.diagnosed.size >= DIAGNOSED_KEPT) deps.diagnosed.clear();
  deps.diagnosed.add(incident.id);
}

/** The closing line of an incident about a workload the bot cannot read. Pure. */
export function clearedLine(incident: Incident, withdrawn: number, now: number): string {
  const lasted = formatDuration((incident.resolvedAt ?? now) - (incident.startsAt ?? incident.createdAt));
  const note =
    withdrawn > 0 ? ` ${withdrawn} pending approval${withdrawn === 1 ? " was" : "s were"} withdrawn.` : "";
  return `:large_green_circle: Every alert of this incident cleared after ${lasted}. The bot does not watch ${incident.namespace ?? "?"}/${incident.workload ?? "?"}, so it cannot say why.${note}`;
}

/** The one message of a minute whose new incidents passed the cap. Pure. */
export function floodLine(minute: number, opened: number, cap: number): string {
  const hhmm = new Date(minute).toISOString().slice(11, 16);
  const skipped = opened - cap;
  return `:rotating_light: *Alert flood:* ${opened} incidents opened in the minute from ${hhmm} UTC. ${cap} got threads (INCIDENTS_PER_MINUTE_MAX, the runbook's own workload always does); the other ${skipped} were recorded without one. \`/rdev mem history\` lists them all.`;
}
