// What a real cluster's Prometheus scrapes about the simulated pods: the kubelet's cAdvisor
// (container_memory_working_set_bytes, with the kubelet's explicit sample timestamps) and
// kube-state-metrics v2 (limits, requests, restarts, last termination reason, pod owners).
// Label sets are the ones kube-prometheus ends up with after relabelling (`node` on cAdvisor
// series, `unit` on resource series). Pure: the simulator serves it at its /metrics.

/** One container of one pod, as the metrics pipeline sees it. */
export type KubeMetricsPod = {
  namespace: string;
  pod: string;
  container: string;
  node: string;
  image: string;
  workingSetBytes: number;
  /** null: the container has no memory limit, so kube-state-metrics emits no limit series. */
  limitBytes: number | null;
  requestBytes: number | null;
  restarts: number;
  /** e.g. "OOMKilled", "Error"; null when the container never terminated. */
  lastTerminatedReason: string | null;
  /** Owning ReplicaSet; undefined derives it from a Deployment pod name, null means no owner. */
  replicaSet?: string | null;
};

export type KubeMetricsOptions = {
  /**
   * Put `nowMs` on cAdvisor samples as the kubelet does (default true). Turn it off when `nowMs`
   * is not wall-clock time (a sped-up simulator clock): Prometheus would store future samples.
   */
  timestamps?: boolean;
};

type Labels = Record<string, string>;
type Sample = { labels: Labels; value: number; timestampMs?: number };
type Family = { name: string; help: string; type: "gauge" | "counter"; samples: Sample[] };

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return Number.isInteger(v) ? v.toFixed(0) : String(v);
}

function renderSample(name: string, s: Sample): string {
  const labels = Object.entries(s.labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(",");
  const ts = s.timestampMs === undefined ? "" : ` ${Math.round(s.timestampMs)}`;
  return `${name}{${labels}} ${formatValue(s.value)}${ts}`;
}

/** Sorted by family name; a family with no samples is left out entirely. */
function render(families: readonly Family[]): string {
  const lines: string[] = [];
  const sorted = [...families].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const f of sorted) {
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) lines.push(renderSample(f.name, s));
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

// Kubernetes generates ReplicaSet hashes and pod suffixes from this vowel-free alphabet.
const DEPLOYMENT_POD = /^((.+)-[bcdfghjklmnpqrstvwxz2456789]{6,10})-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

/** The pod's ReplicaSet and that ReplicaSet's Deployment, or null when it has no owner. */
export function podOwner(p: KubeMetricsPod): { replicaSet: string; deployment: string | null } | null {
  if (p.replicaSet === null) return null;
  if (p.replicaSet !== undefined) {
    const m = /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{6,10}$/.exec(p.replicaSet);
    return { replicaSet: p.replicaSet, deployment: m?.[1] ?? null };
  }
  const m = DEPLOYMENT_POD.exec(p.pod);
  return m?.[1] && m[2] ? { replicaSet: m[1], deployment: m[2] } : null;
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

function ownerSamples(pods: readonly KubeMetricsPod[]): { pod: Sample[]; replicaSet: Sample[] } {
  const owned = uniqueBy(pods, (p) => `${p.namespace}/${p.pod}`).flatMap((p) => {
    const owner = podOwner(p);
    return owner ? [{ p, owner }] : [];
  });
  const pod = owned.map(({ p, owner }) => ({
    labels: {
      namespace: p.namespace,
      pod: p.pod,
      owner_kind: "ReplicaSet",
      owner_name: owner.replicaSet,
      owner_is_controller: "true",
    },
    value: 1,
  }));
  const replicaSet = uniqueBy(owned, ({ p, owner }) => `${p.namespace}/${owner.replicaSet}`).flatMap(
    ({ p, owner }) =>
      owner.deployment === null
        ? []
        : [
            {
              labels: {
                namespace: p.namespace,
                replicaset: owner.replicaSet,
                owner_kind: "Deployment",
                owner_name: owner.deployment,
                owner_is_controller: "true",
              },
              value: 1,
            },
          ],
  );
  return { pod, replicaSet };
}

function resourceSamples(pods: readonly KubeMetricsPod[], pick: (p: KubeMetricsPod) => number | null) {
  return pods.flatMap((p) => {
    const bytes = pick(p);
    if (bytes === null) return [];
    const labels = { namespace: p.namespace, pod: p.pod, container: p.container, node: p.node };
    return [{ labels: { ...labels, resource: "memory", unit: "byte" }, value: bytes }];
  });
}

/** The Prometheus text (format 0.0.4) for these containers at `nowMs`. */
export function renderKubeMetrics(
  pods: readonly KubeMetricsPod[],
  nowMs: number,
  options: KubeMetricsOptions = {},
): string {
  const timestampMs = options.timestamps === false ? undefined : nowMs;
  const cadvisor = (p: KubeMetricsPod, value: number): Sample => ({
    labels: { container: p.container, image: p.image, namespace: p.namespace, node: p.node, pod: p.pod },
    value,
    ...(timestampMs === undefined ? {} : { timestampMs }),
  });
  const ksm = (p: KubeMetricsPod) => ({ namespace: p.namespace, pod: p.pod, container: p.container });
  const owners = ownerSamples(pods);
  return render([
    {
      name: "container_memory_working_set_bytes",
      help: "Current working set of the container in bytes",
      type: "gauge",
      samples: pods.map((p) => cadvisor(p, Math.round(p.workingSetBytes))),
    },
    {
      name: "container_spec_memory_limit_bytes",
      help: "Memory limit for the container.",
      type: "gauge",
      samples: pods.map((p) => cadvisor(p, p.limitBytes ?? 0)),
    },
    {
      name: "kube_pod_container_resource_limits",
      help: "The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.",
      type: "gauge",
      samples: resourceSamples(pods, (p) => p.limitBytes),
    },
    {
      name: "kube_pod_container_resource_requests",
      help: "The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.",
      type: "gauge",
      samples: resourceSamples(pods, (p) => p.requestBytes),
    },
    {
      name: "kube_pod_container_status_restarts_total",
      help: "The number of container restarts per container.",
      type: "counter",
      samples: pods.map((p) => ({ labels: ksm(p), value: p.restarts })),
    },
    {
      name: "kube_pod_container_status_last_terminated_reason",
      help: "Describes the last reason the container was in terminated state.",
      type: "gauge",
      samples: pods.flatMap((p) =>
        p.lastTerminatedReason === null
          ? []
          : [{ labels: { ...ksm(p), reason: p.lastTerminatedReason }, value: 1 }],
      ),
    },
    {
      name: "kube_pod_owner",
      help: "Information about the Pod's owner.",
      type: "gauge",
      samples: owners.pod,
    },
    {
      name: "kube_replicaset_owner",
      help: "Information about the ReplicaSet's owner.",
      type: "gauge",
      samples: owners.replicaSet,
    },
  ]);
}
