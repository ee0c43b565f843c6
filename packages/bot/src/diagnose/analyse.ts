// Turns what was gathered into the Diagnosis: rows, severity, trend, OOM kills, causes, actions.
// Pure: the same observations always give the same report.
import { KubeError } from "../k8s/errors.ts";
import type { PodInfo } from "../k8s/types.ts";
import { planActions } from "../runbooks/high-memory/actions.ts";
import { SCORING } from "../runbooks/high-memory/causes.ts";
import type { HighMemoryRunbook } from "../runbooks/high-memory/index.ts";
import { rankCauses } from "./causes.ts";
import { evidenceNotes, traefikReport } from "./evidence-report.ts";
import { explainFailure, metricsUnavailableNote } from "./failure.ts";
import { formatAgo, formatBytes, formatDuration, formatPercent } from "./format.ts";
import type { Observations } from "./gather.ts";
import { compareByMemory, podMemory, targetContainer } from "./memory.ts";
import { mergeOomKills, oomKillBeforeWindow, oomKillsFromEvents, oomKillsFromPods } from "./oom.ts";
import { restartBudget } from "./restart-budget.ts";
import { atLeast, overallTrend, podTrend, severityForPercent, worstSeverity } from "./severity.ts";
import type {
  Diagnosis,
  Note,
  OomKill,
  PodRow,
  PreviousDiagnosis,
  RankedCause,
  SeverityOrUnknown,
} from "./types.ts";

export type AnalyseInput = {
  obs: Observations;
  runbook: HighMemoryRunbook;
  previous: PreviousDiagnosis | null;
  durationMs: number;
  /** Real time of the diagnosis (ms) when the cluster's clock is not real time; default obs.nowMs. */
  takenAtMs?: number;
  /** Restarts the bot made in the restart budget's window; undefined: no history, no budget. */
  botRestarts?: number;
};

function targetOf(runbook: HighMemoryRunbook): Diagnosis["target"] {
  const { namespace, deployment, selector, container } = runbook.target;
  return { namespace, deployment, selector, container };
}

function shortMetricsReason(error: unknown): string {
  if (error instanceof KubeError && error.code === "not_found") return "metrics-server not installed";
  if (error instanceof KubeError && error.code === "forbidden") return "metrics.k8s.io forbidden";
  return "metrics.k8s.io unavailable";
}

function severityReason(row: Omit<PodRow, "severityReason">, runbook: HighMemoryRunbook): string {
  const m = row.memory;
  const of = `${formatPercent(m.percentOfLimit)} of its ${formatBytes(m.limitBytes)} limit`;
  switch (severityForPercent(m.percentOfLimit, runbook.thresholds)) {
    case "critical":
      return `${of}, above ${runbook.thresholds.criticalPercent}%`;
    case "warning":
      return `${of}, above ${runbook.thresholds.warningPercent}%`;
    case "ok":
      return of;
    case "unknown":
      return m.note ?? "memory unknown";
  }
}

function buildRow(
  pod: PodInfo,
  input: AnalyseInput,
  metricsReason: string | null,
  oomKills: readonly OomKill[],
): PodRow {
  const { obs, runbook, previous } = input;
  const metrics = obs.podMetrics.ok ? obs.podMetrics.value.find((m) => m.name === pod.name) : undefined;
  const container = targetContainer(pod, runbook.target.container);
  const memory = podMemory(pod, metrics, runbook.target.container, metricsReason);
  const last = container?.lastTerminated ?? null;
  const base = {
    name: pod.name,
    uid: pod.uid,
    node: pod.nodeName,
    phase: pod.phase,
    ready: pod.ready,
    createdAt: pod.createdAt.toISOString(),
    ageMs: Math.max(0, obs.nowMs - pod.createdAt.getTime()),
    container: container?.name ?? null,
    memory,
    severity: severityForPercent(memory.percentOfLimit, runbook.thresholds),
    trend: previous
      ? podTrend(
          { uid: pod.uid, name: pod.name, memory },
          previous.pods,
          obs.nowMs - Date.parse(previous.gatheredAt),
          runbook.thresholds.trendTolerancePoints,
        )
      : null,
    restarts: pod.containers.reduce((a, c) => a + c.restartCount, 0),
    lastTermination: last
      ? { reason: last.reason, exitCode: last.exitCode, finishedAt: last.finishedAt?.toISOString() ?? null }
      : null,
    probe: obs.probes.get(pod.uid) ?? null,
    notProbedReason: obs.notProbed.get(pod.uid) ?? null,
  };
  let reason = severityReason(base, runbook);
  let severity: SeverityOrUnknown = base.severity;
  const kill = oomKills.find((k) => (k.podUid !== null ? k.podUid === pod.uid : k.pod === pod.name));
  if (kill) {
    severity = atLeast(severity, "warning");
    reason = `${reason}; ${kill.reason} ${formatAgo(kill.at, obs.nowMs)}`;
  }
  return { ...base, severity, severityReason: reason };
}

function collectNotes(obs: Observations, runbook: HighMemoryRunbook, rows: readonly PodRow[]): Note[] {
  const notes: Note[] = [];
  const { namespace, selector } = runbook.target;
  if (obs.pods.length === 0) {
    notes.push({
      source: "pods",
      message: `No pods match ${selector} in namespace ${namespace}. Check RDEV_NAMESPACE and RDEV_SELECTOR, or whether the deployment is scaled to 0.`,
    });
  }
  if (!obs.podMetrics.ok) notes.push({ source: "metrics", ...metricsUnavailableNote(obs.podMetrics.error) });
  if (!obs.podEvents.ok) {
    notes.push({
      source: "events",
      message: `Events not read, OOM kills come from container statuses only: ${explainFailure(obs.podEvents.error).message}`,
    });
  }
  if (!obs.nodeEvents.ok) {
    notes.push({
      source: "node-events",
      message: `Node OOM events (SystemOOM, OOMKilling) not read; optional, needs "list events" in namespace default: ${explainFailure(obs.nodeEvents.error).message}`,
    });
  }
  notes.push(...obs.notes);
  const failed = rows.filter((r) => r.probe && (r.probe.metricsError || r.probe.readyError));
  if (failed.length > 0) {
    notes.push({
      source: "proxy",
      message: `${failed.length} of ${obs.probes.size} probed pod(s) did not fully answer through the API server proxy: ${failed
        .slice(0, 3)
        .map((r) => `${r.name} (${r.probe?.metricsError ?? r.probe?.readyError})`)
        .join(", ")}${failed.length > 3 ? ", ..." : ""}`,
    });
  }
  if (obs.heap?.report.status === "failed") {
    notes.push({
      source: "heap",
      message: `Heap profile of ${obs.heap.report.pod} unavailable: ${obs.heap.report.error}`,
    });
  }
  return notes;
}

function headline(d: Omit<Diagnosis, "headline">): string {
  const n = d.pods.length;
  const worst = d.pods[0];
  const { warningPercent, criticalPercent } = d.thresholds;
  const cause = d.causes[0] && d.causes[0].id !== "unknown" ? ` Likely cause: ${d.causes[0].title}.` : "";
  const where = worst
    ? `${worst.name} at ${formatPercent(worst.memory.percentOfLimit)} of ${formatBytes(worst.memory.limitBytes)}`
    : "";
  const ooms =
    d.oomKills.length > 0
      ? ` ${d.oomKills.length} OOM kill(s) in the last ${formatDuration(d.oomLookbackMs)}.`
      : "";
  switch (d.severity) {
    case "critical":
      return `${d.counts.critical} of ${n} pod(s) critical (above ${criticalPercent}%): ${where}.${ooms}${cause}`;
    case "warning": {
      const above = d.pods.filter((p) => (p.memory.percentOfLimit ?? 0) > warningPercent).length;
      return above > 0
        ? `${above} of ${n} pod(s) above ${warningPercent}% of the memory limit: ${where}.${ooms}${cause}`
        : `Memory is below ${warningPercent}% now, but${ooms.replace(" in", " happened in")}${cause}`;
    }
    case "ok":
      return `All ${n} pod(s) below ${warningPercent}% of their memory limit (worst ${where || "?"}).`;
    case "unknown":
      if (n === 0) return `No pods match ${d.target.selector} in namespace ${d.target.namespace}.`;
      return `Memory usage unknown for ${n} pod(s)${worst?.memory.note ? `: ${worst.memory.note}` : ""}.${ooms}`;
  }
}

export function analyse(input: AnalyseInput): Diagnosis {
  const { obs, runbook, previous } = input;
  const metricsReason = obs.podMetrics.ok ? null : shortMetricsReason(obs.podMetrics.error);
  const lookback = runbook.oom.lookbackMs;
  const oomKills = mergeOomKills(
    oomKillsFromPods(obs.pods, obs.nowMs, lookback),
    oomKillsFromEvents(
      obs.podEvents.ok ? obs.podEvents.value : [],
      obs.nodeEvents.ok ? obs.nodeEvents.value : [],
      obs.pods,
      {
        nowMs: obs.nowMs,
        lookbackMs: lookback,
        podEventReasons: runbook.oom.podEventReasons,
        nodeEventReasons: runbook.oom.nodeEventReasons,
        deployment: runbook.target.deployment,
      },
    ),
  );
  const rows = obs.pods.map((p) => buildRow(p, input, metricsReason, oomKills)).sort(compareByMemory);
  const severity = worstSeverity(rows.map((r) => r.severity));
  const count = (s: SeverityOrUnknown) => rows.filter((r) => r.severity === s).length;
  const heap = obs.heap?.report.status === "captured" ? obs.heap.report : null;
  const causes = rankCauses({
    rows,
    heap: heap ? { pod: heap.pod, summary: heap.summary } : null,
    previous,
    nowMs: obs.nowMs,
    metricNames: runbook.metricNames,
    rules: runbook.causes,
    severity,
    oomKills: oomKills.length,
    logs: obs.logs,
  });
  const traefik = traefikReport(obs, runbook);
  const lead = causes[0];
  const topCause: RankedCause | null =
    lead && lead.id !== "unknown" && lead.score >= SCORING.minScore ? lead : null;
  const worstPod = rows[0] ? obs.pods.find((p) => p.uid === rows[0]?.uid) : undefined;
  const ttlEnv = worstPod
    ? targetContainer(worstPod, runbook.target.container)?.env[runbook.cache.envName]
    : undefined;
  const budget =
    input.botRestarts === undefined
      ? null
      : restartBudget({
          pods: obs.pods,
          nowMs: obs.nowMs,
          budget: runbook.restartBudget,
          botRestarts: input.botRestarts,
        });
  const actions = planActions({
    restartBudget: budget,
    runbook,
    rows,
    severity,
    topCause,
    oomKills,
    heap: obs.heap?.report ?? null,
    currentCacheTtl: ttlEnv ?? null,
    logs: obs.logs,
    traefik,
  });
  const partial: Omit<Diagnosis, "headline"> = {
    version: 1,
    runbook: "high-memory",
    target: targetOf(runbook),
    gatheredAt: new Date(obs.nowMs).toISOString(),
    takenAt: new Date(input.takenAtMs ?? obs.nowMs).toISOString(),
    durationMs: Math.round(input.durationMs),
    thresholds: {
      warningPercent: runbook.thresholds.warningPercent,
      criticalPercent: runbook.thresholds.criticalPercent,
    },
    severity,
    trend: previous
      ? overallTrend(
          rows,
          previous.pods,
          obs.nowMs - Date.parse(previous.gatheredAt),
          runbook.thresholds.trendTolerancePoints,
        )
      : null,
    pods: rows,
    counts: {
      pods: rows.length,
      probed: obs.probes.size,
      critical: count("critical"),
      warning: count("warning"),
      ok: count("ok"),
      unknown: count("unknown"),
    },
    oomLookbackMs: lookback,
    oomKills,
    restartBudget: budget,
    oomKillBeforeWindow: oomKills.length === 0 ? oomKillBeforeWindow(obs.pods, obs.nowMs, lookback) : null,
    causes,
    actions,
    heap: obs.heap?.report ?? null,
    logs: obs.logs,
    traefik,
    notes: [...collectNotes(obs, runbook, rows), ...evidenceNotes(obs.logs, traefik)],
    apiCalls: { ...obs.apiCalls },
    error: null,
  };
  return { ...partial, headline: headline(partial) };
}

/** The report when the pods themselves cannot be listed: nothing else can be judged. */
export function failedDiagnosis(input: {
  runbook: HighMemoryRunbook;
  nowMs: number;
  /** Real time (ms) when the cluster's clock is not real time; default nowMs. */
  takenAtMs?: number;
  durationMs: number;
  error: unknown;
  apiCalls: { list: number; proxy: number; log?: number };
}): Diagnosis {
  const { runbook } = input;
  const error = explainFailure(input.error);
  return {
    version: 1,
    runbook: "high-memory",
    target: targetOf(runbook),
    gatheredAt: new Date(input.nowMs).toISOString(),
    takenAt: new Date(input.takenAtMs ?? input.nowMs).toISOString(),
    durationMs: Math.round(input.durationMs),
    thresholds: {
      warningPercent: runbook.thresholds.warningPercent,
      criticalPercent: runbook.thresholds.criticalPercent,
    },
    severity: "unknown",
    headline: `Could not list the pods of ${runbook.target.namespace}/${runbook.target.deployment}: ${error.message}`,
    trend: null,
    pods: [],
    counts: { pods: 0, probed: 0, critical: 0, warning: 0, ok: 0, unknown: 0 },
    oomLookbackMs: runbook.oom.lookbackMs,
    oomKills: [],
    causes: [],
    actions: [],
    heap: null,
    notes: [],
    apiCalls: input.apiCalls,
    error,
  };
}
