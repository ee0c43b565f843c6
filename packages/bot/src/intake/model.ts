// The incident data model as the store keeps it in Redis, and pure conversions to and from the
// Redis representation (flat string hashes, JSON list entries).
//
// Redis layout, all under a prefix P (default "{rdev}", packages/bot/src/redis-keys.ts):
//   P:incident:<id>            hash     the fields of Incident below (numbers as decimal strings),
//                                       plus `permalink` (the thread's, cached by the history views)
//   P:incident:<id>:alerts     hash     fingerprint -> IncidentAlert JSON (one per pod/label set)
//   P:incident:<id>:timeline   list     TimelineEntry JSON, oldest first, capped at timelineMax
//   P:incident:<id>:root-claim string   lease held by the replica posting the Slack root message
//   P:incident-key:<key>       string   id of the OPEN incident for an incident key
//   P:incident-recent:<key>    string   id of the incident of that key resolved within the flap
//                                       window (a re-fire reopens it), expires with the window
//   P:incident-rate:<minute>   string   incidents opened in that minute (the per-minute cap)
//   P:incidents:open           zset     open incident ids, score createdAt
//   P:incidents:all            zset     every incident id, score createdAt, trimmed to the retention
// An open incident never expires. Once resolved, its keys expire after the retention setting.

export type IncidentStatus = "open" | "resolved";

/** One alert (label set, i.e. usually one pod) that contributed to the incident. */
export type IncidentAlert = {
  fingerprint: string;
  status: "firing" | "resolved";
  /** The alert's own name (RdevAPIHighMemory or RdevAPIHighMemoryCritical), null in old records. */
  alertName: string | null;
  severity: string | null;
  pod: string | null;
  container: string | null;
  startsAt: number | null;
  endsAt: number | null;
  lastSeenAt: number;
};

/** A pod of the incident (or, for alerts without a pod label, one label set) and its alerts. */
export type IncidentPod = {
  /** Pod name; the fingerprint for an alert that names no pod. */
  pod: string;
  /** Names of the alerts firing on it now (RdevAPIHighMemory, RdevAPIHighMemoryCritical). */
  firing: string[];
  /** Highest severity among its firing alerts, null when none fires. */
  severity: string | null;
};

export type Incident = {
  id: string;
  key: string;
  /** The cluster it happened in (the alert's cluster label); null: the default cluster. */
  cluster?: string | null;
  alertName: string;
  namespace: string | null;
  workload: string | null;
  status: IncidentStatus;
  /** Highest severity seen while open (it never goes down while firing); its alert's summary. */
  severity: string | null;
  summary: string | null;
  runbookUrl: string | null;
  createdAt: number;
  updatedAt: number;
  /** Earliest startsAt of its alerts (when the problem began, per Prometheus). */
  startsAt: number | null;
  /** Alertmanager notifications folded into this incident (repeats included). */
  notifications: number;
  alerts: IncidentAlert[];
  /** Firing alerts (label sets): the incident resolves when none is left. */
  firingCount: number;
  /** Pods, not alerts: a warning and a critical alert on one pod are one pod. */
  pods: IncidentPod[];
  /** Pods with at least one firing alert. */
  firingPods: number;
  /** The Slack thread root, once a replica has posted it. */
  root: { channel: string; ts: string } | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  /** Times it re-fired within the flap window after resolving and was reopened. */
  reopened: number;
  /** Opened past the new-incidents-per-minute cap: no thread of its own (the flood summary counts it). */
  suppressed: boolean;
  /** Alerts (new fingerprints) not kept because the incident already kept the per-incident cap. */
  alertsDropped: number;
};

/** Entry types the incident store writes itself; later stages add their own (diagnostics, ...). */
export const TIMELINE_TYPES = {
  opened: "incident_opened",
  alertFiring: "alert_firing",
  alertResolved: "alert_resolved",
  rootPosted: "root_posted",
  resolved: "incident_resolved",
  reopened: "incident_reopened",
} as const;

export type TimelineEntry = {
  at: number;
  type: string;
  /** Slack user id, "alertmanager", "worker"... */
  by?: string;
  data?: Record<string, unknown>;
};

/** Turns a flat [field, value, field, value, ...] reply (HGETALL inside Lua) into an object. */
export function pairsToRecord(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}

const num = (value: string | undefined): number | null => {
  if (value === undefined || value === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};
const str = (value: string | undefined): string | null =>
  value === undefined || value === "" ? null : value;

function decodeAlert(fingerprint: string, json: string): IncidentAlert {
  const raw = JSON.parse(json) as Partial<IncidentAlert>;
  return {
    fingerprint,
    status: raw.status === "resolved" ? "resolved" : "firing",
    alertName: raw.alertName ?? null,
    severity: raw.severity ?? null,
    pod: raw.pod ?? null,
    container: raw.container ?? null,
    startsAt: raw.startsAt ?? null,
    endsAt: raw.endsAt ?? null,
    lastSeenAt: raw.lastSeenAt ?? 0,
  };
}

/** Severity ranks: the root shows the highest seen, and its summary. Unknown words rank lowest. */
export const SEVERITY_RANK: Readonly<Record<string, number>> = {
  info: 1,
  ticket: 1,
  warning: 2,
  page: 3,
  critical: 3,
};
export const severityRank = (severity: string | null | undefined): number =>
  severity ? (SEVERITY_RANK[severity.toLowerCase()] ?? 0) : 0;

/** Alerts grouped by pod, pods sorted by name. Pure. */
export function podsOf(alerts: readonly IncidentAlert[]): IncidentPod[] {
  const byPod = new Map<string, IncidentPod>();
  for (const a of alerts) {
    const name = a.pod ?? a.fingerprint;
    const pod = byPod.get(name) ?? { pod: name, firing: [], severity: null };
    if (a.status === "firing") {
      pod.firing.push(a.alertName ?? "alert");
      if (severityRank(a.severity) > severityRank(pod.severity) || pod.severity === null)
        pod.severity = a.severity ?? pod.severity;
    }
    byPod.set(name, pod);
  }
  for (const pod of byPod.values()) pod.firing.sort();
  return [...byPod.values()].sort((a, b) => a.pod.localeCompare(b.pod));
}

/** Builds an Incident from its hash and alerts hash; null when the hash is empty (unknown id). */
export function decodeIncident(
  hash: Record<string, string>,
  alertsHash: Record<string, string>,
): Incident | null {
  if (!hash.id) return null;
  const alerts = Object.entries(alertsHash)
    .map(([fingerprint, json]) => decodeAlert(fingerprint, json))
    .sort((a, b) => (a.pod ?? a.fingerprint).localeCompare(b.pod ?? b.fingerprint));
  const pods = podsOf(alerts);
  const starts = alerts.map((a) => a.startsAt).filter((t): t is number => t !== null);
  const rootChannel = str(hash.rootChannel);
  const rootTs = str(hash.rootTs);
  return {
    id: hash.id,
    key: hash.key ?? "",
    cluster: str(hash.cluster),
    alertName: hash.alertName ?? "",
    namespace: str(hash.namespace),
    workload: str(hash.workload),
    status: hash.status === "resolved" ? "resolved" : "open",
    severity: str(hash.severity),
    summary: str(hash.summary),
    runbookUrl: str(hash.runbookUrl),
    createdAt: num(hash.createdAt) ?? 0,
    updatedAt: num(hash.updatedAt) ?? num(hash.createdAt) ?? 0,
    startsAt: starts.length > 0 ? Math.min(...starts) : null,
    notifications: num(hash.notifications) ?? 0,
    alerts,
    firingCount: alerts.filter((a) => a.status === "firing").length,
    pods,
    firingPods: pods.filter((p) => p.firing.length > 0).length,
    root: rootChannel && rootTs ? { channel: rootChannel, ts: rootTs } : null,
    resolvedAt: num(hash.resolvedAt),
    resolvedBy: str(hash.resolvedBy),
    reopened: num(hash.reopened) ?? 0,
    suppressed: hash.suppressed === "1",
    alertsDropped: num(hash.alertsDropped) ?? 0,
  };
}

/** Parses a timeline list element; malformed entries are kept visibly instead of dropped. */
export function decodeTimelineEntry(json: string): TimelineEntry {
  try {
    const raw = JSON.parse(json) as Partial<TimelineEntry>;
    if (typeof raw.at === "number" && typeof raw.type === "string") return raw as TimelineEntry;
  } catch {
    // fall through
  }
  return { at: 0, type: "unreadable", data: { raw: json } };
}
