import { storedCluster } from "../clusters/names.ts";

// The incident key: cluster (packages/bot/src/clusters/names.ts) + alert name (its family: severity suffix dropped) + namespace + workload. Alertmanager's fingerprint is per label set
// (one per pod for a per-pod memory alert), so grouping by it would open 30 threads for one
// deployment; grouping by workload opens one.
//
// Workload rule, first match wins (explicit labels before guesses):
//   1. `deployment`, `statefulset`, `daemonset` labels (kube-state-metrics style)
//   2. `workload` (kube-prometheus `namespace_workload_pod:kube_pod_owner:relabel`)
//   3. app labels: `app_kubernetes_io_name`, `label_app_kubernetes_io_name`, `app`, `label_app`
//   4. the pod name with its controller suffix removed:
//        Deployment  rdev-api-7d9f8b6c5d-x2k4q -> rdev-api  (pod-template-hash + 5-char suffix)
//        StatefulSet redis-0                   -> redis
//        DaemonSet   node-agent-x2k4q          -> node-agent
//      Kubernetes builds those suffixes from the vowel-free alphabet "bcdfghjklmnpqrstvwxz2456789",
//      which is what keeps real name parts like "-api" from being cut.
//   5. `container` (a container name usually equals its workload's name)
//   6. `job` (the scrape job) as a last resort, else null
// The namespace is the `namespace` label (then `exported_namespace`), else null.

export type WorkloadSource =
  | "deployment"
  | "statefulset"
  | "daemonset"
  | "workload"
  | "app-label"
  | "pod-name"
  | "container"
  | "job"
  | "none";

export type IncidentKeyParts = {
  alertName: string;
  namespace: string | null;
  workload: string | null;
  /** Which rule produced the workload: useful in logs when grouping looks wrong. */
  source: WorkloadSource;
};

const SUFFIX_ALPHABET = "[bcdfghjklmnpqrstvwxz2456789]";
const DEPLOYMENT_POD = new RegExp(`^(.+)-${SUFFIX_ALPHABET}{6,10}-${SUFFIX_ALPHABET}{5}$`);
const STATEFULSET_POD = /^(.+)-\d+$/;
const DAEMONSET_POD = new RegExp(`^(.+)-${SUFFIX_ALPHABET}{5}$`);

/** The workload a pod belongs to, from its generated name; null if the name has no known suffix. */
export function workloadFromPodName(pod: string): string | null {
  for (const pattern of [DEPLOYMENT_POD, STATEFULSET_POD, DAEMONSET_POD]) {
    const match = pattern.exec(pod);
    if (match?.[1]) return match[1];
  }
  return null;
}

function nonEmpty(labels: Readonly<Record<string, string>>, name: string): string | null {
  const value = labels[name]?.trim();
  return value ? value : null;
}

function workloadOf(labels: Readonly<Record<string, string>>): {
  workload: string | null;
  source: WorkloadSource;
} {
  for (const kind of ["deployment", "statefulset", "daemonset"] as const) {
    const value = nonEmpty(labels, kind);
    if (value) return { workload: value, source: kind };
  }
  const workload = nonEmpty(labels, "workload");
  if (workload) return { workload, source: "workload" };
  for (const name of ["app_kubernetes_io_name", "label_app_kubernetes_io_name", "app", "label_app"]) {
    const value = nonEmpty(labels, name);
    if (value) return { workload: value, source: "app-label" };
  }
  const pod = nonEmpty(labels, "pod") ?? nonEmpty(labels, "pod_name");
  const fromPod = pod ? workloadFromPodName(pod) : null;
  if (fromPod) return { workload: fromPod, source: "pod-name" };
  const container = nonEmpty(labels, "container");
  if (container && container !== "POD") return { workload: container, source: "container" };
  const job = nonEmpty(labels, "job");
  if (job) return { workload: job, source: "job" };
  return { workload: null, source: "none" };
}

const SEVERITY_SUFFIX = /^(.+?)(Critical|Warning|Info|Page|Ticket)$/;

/**
 * The alert family: a name without a trailing severity word, so the warning and the critical variant
 * of one alert (RdevAPIHighMemory at 80%, RdevAPIHighMemoryCritical at 95%) are one incident.
 */
export function alertFamily(alertName: string): string {
  return SEVERITY_SUFFIX.exec(alertName)?.[1] ?? alertName;
}

/** The parts of the incident key for an alert's labels. Pure. */
export function incidentKeyParts(labels: Readonly<Record<string, string>>): IncidentKeyParts {
  const { workload, source } = workloadOf(labels);
  return {
    alertName: alertFamily(nonEmpty(labels, "alertname") ?? "unnamed-alert"),
    namespace: nonEmpty(labels, "namespace") ?? nonEmpty(labels, "exported_namespace"),
    workload,
    source,
  };
}

/**
 * The incident key string: "<alertname>/<namespace>/<workload>", e.g.
 * "RdevAPIHighMemory/rdev/rdev-api". Each part is URI-encoded so no label value can forge a
 * separator; a missing part is empty (label values are never empty: empty means unset).
 */
export function formatIncidentKey(
  parts: Pick<IncidentKeyParts, "alertName" | "namespace" | "workload">,
  cluster?: string | null,
): string {
  const enc = (v: string | null) => (v === null ? "" : encodeURIComponent(v));
  const key = `${enc(parts.alertName)}/${enc(parts.namespace)}/${enc(parts.workload)}`;
  const inKey = storedCluster(cluster);
  return inKey ? `${enc(inKey)}/${key}` : key;
}

/**
 * The incident key for an alert's labels, in `cluster`: "<cluster>/<alertname>/<namespace>/<workload>"
 * (the same alert in two clusters is two incidents); the default cluster's keys have no cluster part.
 */
export function incidentKey(labels: Readonly<Record<string, string>>, cluster?: string | null): string {
  return formatIncidentKey(incidentKeyParts(labels), cluster);
}
