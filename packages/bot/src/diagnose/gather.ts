// Every cluster read the runbook's investigation needs, through the Cluster interface only.
// Cost: 4 list calls (pods, pod metrics, namespace events, node events) and 3 route lists (Ingress,
// IngressRoute, ServersTransport) run at once, then at most 2 x maxPodsProbed + 1 proxy calls
// (/metrics, /ready, one heap profile) under a concurrency bound and, beside them, the logs of the
// DIAG_LOG_PODS worst pods (plus the previous container of OOM-killed ones), each with a timeout.
// Only listing pods is fatal; everything else degrades to a note.
import { KubeError } from "../k8s/errors.ts";
import type { Cluster, ClusterEvent, PodInfo, PodMetrics } from "../k8s/types.ts";
import type { HighMemoryRunbook } from "../runbooks/high-memory/index.ts";
import { noKnownMetrics, parseAppMetrics } from "./app-metrics.ts";
import { describeFailure } from "./failure.ts";
import { createLimiter, type Settled, settle, withTimeout } from "./limit.ts";
import { gatherLogs, oomKilled } from "./logs/gather-logs.ts";
import type { LogReport } from "./logs/types.ts";
import { compareByMemory, podMemory } from "./memory.ts";
import { gatherTraefik, type TraefikReads } from "./traefik/gather-traefik.ts";
import type { HeapReport, HeapSummary, Note, PodProbe } from "./types.ts";

export type HeapMode = "auto" | "always" | "never";

/** Every OOM-related event is a Warning (OOMKilling, SystemOOM, OOMKilled): Normal ones are most of the volume. */
export const WARNINGS = "type=Warning";
export const NODE_WARNINGS = "involvedObject.kind=Node,type=Warning";
/**
 * Events about cluster-scoped objects (Nodes: the kubelet's SystemOOM, node-problem-detector's
 * OOMKilling) are recorded in "default"; listing there, not in every namespace, keeps the
 * worker's RBAC to two namespaced Roles (manifests/base/rbac.yaml).
 */
export const NODE_EVENTS_NAMESPACE = "default";

export type GatherDeps = {
  cluster: Cluster;
  now: () => number;
  summariseHeap: (data: Uint8Array) => HeapSummary;
};

export type Observations = {
  nowMs: number;
  pods: PodInfo[];
  podMetrics: Settled<PodMetrics[]>;
  podEvents: Settled<ClusterEvent[]>;
  nodeEvents: Settled<ClusterEvent[]>;
  /** By pod UID. */
  probes: Map<string, PodProbe>;
  /** By pod UID: why it was not probed. */
  notProbed: Map<string, string>;
  heap: { report: HeapReport; bytes: Buffer | null } | null;
  /** The worst pods' logs (null: DIAG_LOG_PODS=0). */
  logs: LogReport | null;
  /** The routes in front of the workload (null: DIAG_TRAEFIK=false). */
  traefik: TraefikReads | null;
  notes: Note[];
  apiCalls: ApiCalls;
};

/** Kubernetes API requests by kind: lists, pod proxy, pod logs. */
export type ApiCalls = { list: number; proxy: number; log: number };

const isRunning = (p: PodInfo) =>
  p.phase === "Running" && p.nodeName !== null && p.deletionTimestamp === null;

function whyNotProbed(p: PodInfo): string {
  if (p.deletionTimestamp !== null) return "terminating";
  if (p.phase !== "Running") return `pod is ${p.phase}`;
  return "not scheduled on a node";
}

/** Throws only when the pods cannot be listed (KubeError or TimeoutError). */
export async function gather(
  deps: GatherDeps,
  runbook: HighMemoryRunbook,
  heapMode: HeapMode,
  /** Counted as calls are made, so a caller still knows the cost when listing pods fails. */
  apiCalls: ApiCalls = { list: 0, proxy: 0, log: 0 },
): Promise<Observations> {
  const { cluster } = deps;
  const { namespace, selector, container, port } = runbook.target;
  const { timeoutMs, concurrency, maxPodsProbed } = runbook.diagnostics;
  const notes: Note[] = [];
  const nowMs = deps.now();

  const list = <T>(what: string, fn: (signal: AbortSignal) => Promise<T>) => {
    apiCalls.list += 1;
    return withTimeout(what, timeoutMs, fn);
  };
  const podsCall = list("listing pods", (signal) =>
    cluster.listPods(namespace, selector, { timeoutMs, signal }),
  );
  const metricsCall = settle(
    list("metrics.k8s.io", (signal) => cluster.podMetrics(namespace, selector, { timeoutMs, signal })),
  );
  const podEventsCall = settle(
    list("listing events", (signal) => cluster.listEvents(namespace, WARNINGS, { timeoutMs, signal })),
  );
  const nodeEventsCall = settle(
    list("listing node events", (signal) =>
      cluster.listEvents(NODE_EVENTS_NAMESPACE, NODE_WARNINGS, { timeoutMs, signal }),
    ),
  );
  const traefikCall = runbook.diagnostics.traefik
    ? gatherTraefik(cluster, namespace, timeoutMs, () => {
        apiCalls.list += 1;
      })
    : Promise.resolve(null);
  // Keep the settled promises from being reported as unhandled if listing pods fails first.
  let pods: PodInfo[];
  try {
    pods = await podsCall;
  } catch (error) {
    await Promise.all([metricsCall, podEventsCall, nodeEventsCall, traefikCall]);
    throw error;
  }

  const limit = createLimiter(concurrency);
  let refused = false;
  const proxy = async (pod: PodInfo, path: string) => {
    apiCalls.proxy += 1;
    try {
      return await limit(() =>
        withTimeout(`${path} on ${pod.name}`, timeoutMs, (signal) =>
          cluster.proxyGet(namespace, pod.name, port, path, { timeoutMs, signal }),
        ),
      );
    } catch (error) {
      // RBAC or credentials: every pod will fail alike; say once, with what to grant.
      if (
        !refused &&
        error instanceof KubeError &&
        (error.code === "forbidden" || error.code === "unauthorized")
      ) {
        refused = true;
        notes.push({ source: "proxy", message: `The pods' endpoints cannot be read: ${error.message}` });
      }
      throw error;
    }
  };

  const running = pods.filter(isRunning);
  const notProbed = new Map<string, string>();
  for (const p of pods) if (!isRunning(p)) notProbed.set(p.uid, whyNotProbed(p));

  // With few pods there is nothing to choose: probe at once, without waiting for metrics.k8s.io.
  let chosen: PodInfo[];
  if (running.length <= maxPodsProbed) {
    chosen = running;
  } else {
    const metrics = await metricsCall;
    chosen = pickWorst(running, metrics, container, maxPodsProbed);
    for (const p of running) if (!chosen.includes(p)) notProbed.set(p.uid, "not sampled");
    notes.push({
      source: "sampling",
      message: metrics.ok
        ? `Probed the ${chosen.length} pods with the highest memory of ${running.length} running (DIAG_MAX_PODS_PROBED=${maxPodsProbed}).`
        : `Probed ${chosen.length} of ${running.length} running pods, most restarted first: memory was unknown (DIAG_MAX_PODS_PROBED=${maxPodsProbed}).`,
    });
  }

  const probeCalls = chosen.map(async (pod) => [pod.uid, await probePod(pod, proxy, runbook)] as const);
  const heapCall = (async () => {
    if (heapMode === "never") return null;
    const metrics = await metricsCall;
    let target = pickHeapTarget(running, metrics, runbook, heapMode);
    if (target === undefined && heapMode === "always") {
      // No memory figures: fall back to the pod whose Go heap is largest once probes are in.
      const probes = new Map(await Promise.all(probeCalls));
      const first = running[0];
      target = pickByHeap(chosen, probes) ?? (first ? { pod: first } : undefined);
    }
    if (!target) return null;
    return fetchHeap(target.pod, heapMode === "always" ? "requested" : "critical", proxy, deps, runbook);
  })();

  const logsCall = (async () => {
    const n = runbook.diagnostics.logs.pods;
    if (n === 0) return null;
    const ordered = pickWorst(running, await metricsCall, container, n);
    const report = await gatherLogs(
      cluster,
      runbook,
      { current: ordered, nowMs },
      oomKilled(pods, runbook, nowMs),
    );
    apiCalls.log += report.requests;
    return report;
  })();

  const [probes, heap, podMetrics, podEvents, nodeEvents, logs, traefik] = await Promise.all([
    Promise.all(probeCalls),
    heapCall,
    metricsCall,
    podEventsCall,
    nodeEventsCall,
    logsCall,
    traefikCall,
  ]);
  return {
    nowMs,
    pods,
    podMetrics,
    podEvents,
    nodeEvents,
    probes: new Map(probes),
    notProbed,
    heap,
    logs,
    traefik,
    notes,
    apiCalls,
  };
}

type Proxy = (pod: PodInfo, path: string) => ReturnType<Cluster["proxyGet"]>;

async function probePod(pod: PodInfo, proxy: Proxy, runbook: HighMemoryRunbook): Promise<PodProbe> {
  const { metricsPath, readyPath } = runbook.target;
  const [metrics, ready] = await Promise.all([
    settle(proxy(pod, metricsPath)),
    settle(proxy(pod, readyPath)),
  ]);
  const probe: PodProbe = { metrics: null, metricsError: null, readyStatus: null, readyError: null };
  if (!metrics.ok) probe.metricsError = describeFailure(metrics.error);
  else if (metrics.value.status !== 200)
    probe.metricsError = `HTTP ${metrics.value.status} from ${metricsPath}`;
  else {
    try {
      probe.metrics = parseAppMetrics(metrics.value.body.toString("utf8"), runbook.metricNames);
      if (noKnownMetrics(probe.metrics)) {
        probe.metricsError = `none of the configured metrics on ${metricsPath} (check the METRIC_* names)`;
      }
    } catch (error) {
      probe.metricsError = describeFailure(error);
    }
  }
  if (ready.ok) probe.readyStatus = ready.value.status;
  else probe.readyError = describeFailure(ready.error);
  return probe;
}

function rankable(pods: PodInfo[], metrics: Settled<PodMetrics[]>, container: string) {
  const byName = new Map(metrics.ok ? metrics.value.map((m) => [m.name, m]) : []);
  return pods.map((pod) => ({
    pod,
    name: pod.name,
    memory: podMemory(pod, byName.get(pod.name), container, metrics.ok ? null : "unknown"),
  }));
}

/** The n pods with the highest memory percent; most restarted first when memory is unknown. */
export function pickWorst(
  pods: PodInfo[],
  metrics: Settled<PodMetrics[]>,
  container: string,
  n: number,
): PodInfo[] {
  const restarts = (p: PodInfo) => p.containers.reduce((a, c) => a + c.restartCount, 0);
  return rankable(pods, metrics, container)
    .sort((a, b) => compareByMemory(a, b) || restarts(b.pod) - restarts(a.pod))
    .slice(0, n)
    .map((r) => r.pod);
}

function pickHeapTarget(
  pods: PodInfo[],
  metrics: Settled<PodMetrics[]>,
  runbook: HighMemoryRunbook,
  mode: HeapMode,
): { pod: PodInfo } | undefined {
  const ranked = rankable(pods, metrics, runbook.target.container)
    .filter((r) => r.memory.workingSetBytes !== null)
    .sort(compareByMemory);
  const worst = ranked[0];
  if (!worst) return undefined;
  if (mode === "auto" && !((worst.memory.percentOfLimit ?? 0) > runbook.thresholds.criticalPercent))
    return undefined;
  return { pod: worst.pod };
}

function pickByHeap(pods: PodInfo[], probes: Map<string, PodProbe>): { pod: PodInfo } | undefined {
  const size = (p: PodInfo) => {
    const m = probes.get(p.uid)?.metrics;
    return m?.heapInuse ?? m?.residentMemory ?? -1;
  };
  const best = [...pods].sort((a, b) => size(b) - size(a))[0];
  return best ? { pod: best } : undefined;
}

async function fetchHeap(
  pod: PodInfo,
  why: "requested" | "critical",
  proxy: Proxy,
  deps: GatherDeps,
  runbook: HighMemoryRunbook,
): Promise<{ report: HeapReport; bytes: Buffer | null }> {
  const path = runbook.target.pprofPath;
  const failed = (error: string) => ({
    report: { status: "failed", pod: pod.name, uid: pod.uid, why, error } satisfies HeapReport,
    bytes: null,
  });
  const response = await settle(proxy(pod, path));
  if (!response.ok) return failed(describeFailure(response.error));
  if (response.value.status !== 200) {
    return failed(`HTTP ${response.value.status} from ${path} (is pprof served there? RDEV_PPROF_PATH)`);
  }
  try {
    const summary = deps.summariseHeap(response.value.body);
    return {
      report: {
        status: "captured",
        pod: pod.name,
        uid: pod.uid,
        why,
        sizeBytes: response.value.body.length,
        summary,
      },
      bytes: response.value.body,
    };
  } catch (error) {
    return failed(`could not read the heap profile: ${describeFailure(error)}`);
  }
}
