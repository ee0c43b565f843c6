// The matchers of an incident's alerts, for its silence: the alert family (the warning and the
// critical variant), its namespace and, when every alert names the same one, its container. Pure.
import type { Incident } from "../model.ts";
import type { Matcher } from "./alertmanager-api.ts";

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * `clusterLabel`: with several clusters, the alert label naming the cluster (CLUSTER_LABEL), so a
 * silence of cluster b's incident never silences the same alert in cluster a. (With one cluster the
 * alerts may not carry the label at all, so none is matched.)
 */
export function incidentMatchers(incident: Incident, clusterLabel: string | null = null): Matcher[] {
  const matchers: Matcher[] = [
    {
      name: "alertname",
      // Alertmanager anchors regex matchers: the family and its severity variants, nothing else.
      value: `${escapeRegex(incident.alertName)}(Critical|Warning|Info|Page|Ticket)?`,
      isRegex: true,
      isEqual: true,
    },
  ];
  if (incident.namespace)
    matchers.push({ name: "namespace", value: incident.namespace, isRegex: false, isEqual: true });
  if (clusterLabel && incident.cluster)
    matchers.push({ name: clusterLabel, value: incident.cluster, isRegex: false, isEqual: true });
  const containers = new Set(incident.alerts.map((a) => a.container));
  const [container] = [...containers];
  if (containers.size === 1 && container)
    matchers.push({ name: "container", value: container, isRegex: false, isEqual: true });
  return matchers;
}

/** The cluster label silences match: CLUSTER_LABEL when the app serves several clusters, else none. */
export const clusterLabelOf = (config: {
  clusters: { names: readonly string[]; label: string };
}): string | null => (config.clusters.names.length > 1 ? config.clusters.label : null);

/** Durations the Silence control offers; "resolved" lasts until the incident resolves (at most a day). */
export const SILENCE_CHOICES = [
  { value: "30m", label: "30 minutes", ms: 30 * 60_000 },
  { value: "1h", label: "1 hour", ms: 3_600_000 },
  { value: "4h", label: "4 hours", ms: 4 * 3_600_000 },
  { value: "resolved", label: "Until resolved (max 24 h)", ms: 24 * 3_600_000 },
] as const;
export type SilenceChoice = (typeof SILENCE_CHOICES)[number]["value"];
