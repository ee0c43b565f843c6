// The Diagnosis: the runbook's whole investigation as one JSON-serialisable value. Every rendering
// (terminal text, Slack blocks, the incident timeline) is a view of it; nothing else is read.

import type { OfferedAction } from "../runbooks/high-memory/catalog/index.ts";
import type { Foresight } from "./foresight/types.ts";
import type { LogReport } from "./logs/types.ts";
import type { HeapSummary } from "./pprof.ts";
import type { TraefikReport } from "./traefik/types.ts";

export type * from "./foresight/types.ts";
export type * from "./logs/types.ts";
export type * from "./traefik/types.ts";

export type Severity = "ok" | "warning" | "critical";
/** "unknown": no memory figure to judge (metrics-server missing, no limit, no pods, an error). */
export type SeverityOrUnknown = Severity | "unknown";

export type TrendDirection = "rising" | "stable" | "falling";
export type Trend = {
  direction: TrendDirection;
  /** Change in percent of the memory limit (null when limits are unknown). */
  deltaPercentPoints: number | null;
  deltaBytes: number;
  /** Time since the previous snapshot. */
  sinceMs: number;
};

/** The rdev-api /metrics figures we read (names from config.metricNames). */
export const APP_METRIC_KEYS = [
  "sse",
  "commands",
  "outputBuffered",
  "cacheEntries",
  "cacheBytes",
  "heapInuse",
  "heapAlloc",
  "goroutines",
  "residentMemory",
] as const;
export type AppMetricKey = (typeof APP_METRIC_KEYS)[number];
export type AppMetrics = Record<AppMetricKey, number | null>;

export type Memory = {
  /** container_memory_working_set_bytes as metrics.k8s.io reports it (what `kubectl top` shows). */
  workingSetBytes: number | null;
  limitBytes: number | null;
  requestBytes: number | null;
  /** workingSet / limit x 100, one decimal; null when either is unknown. */
  percentOfLimit: number | null;
  /** Why a figure is missing, e.g. "no memory limit set" or "metrics-server not installed". */
  note: string | null;
};

export type PodProbe = {
  metrics: AppMetrics | null;
  /** Why /metrics is unavailable ("timed out after 5000 ms", "HTTP 500"); null when read. */
  metricsError: string | null;
  /** HTTP status of /ready (200 ready, 503 not ready); null when the call failed. */
  readyStatus: number | null;
  readyError: string | null;
};

export type PodRow = {
  name: string;
  uid: string;
  node: string | null;
  phase: string;
  /** The pod's Ready condition. */
  ready: boolean;
  createdAt: string;
  ageMs: number;
  /** The runbook's container (config target.container), or the first one when absent. */
  container: string | null;
  memory: Memory;
  severity: SeverityOrUnknown;
  /** Why this severity, in words ("97.2% of its 512Mi limit, above 95%"). */
  severityReason: string;
  trend: Trend | null;
  restarts: number;
  lastTermination: { reason: string; exitCode: number; finishedAt: string | null } | null;
  /** null: not probed (see notProbedReason). */
  probe: PodProbe | null;
  notProbedReason: string | null;
};

export type OomKillSource = "container-status" | "pod-event" | "node-event";
export type OomKill = {
  pod: string | null;
  podUid: string | null;
  container: string | null;
  node: string | null;
  /** ISO time of the kill (finishedAt, or the event's last timestamp); null when unknown. */
  at: string | null;
  source: OomKillSource;
  reason: string;
  exitCode: number | null;
  /** How many times the source says it happened (event count, or 1). */
  count: number;
  message: string;
};

export type CauseId = "sse-leak" | "large-output" | "many-commands" | "cache-growth" | "unknown";
export type EvidenceKind =
  | "outlier"
  | "absolute"
  | "heap-share"
  | "pprof-site"
  | "correlation"
  | "companion"
  | "growth"
  | "log"
  | "none";
export type Evidence = {
  kind: EvidenceKind;
  /** One sentence with the numbers, e.g. "sse_connections_active 4,812 on rdev-api-7c9 vs 310 on its peers". */
  text: string;
  /** What this evidence added to the cause's score (transparent scoring). */
  points: number;
  /** Identifiers in `text` (metric, pod and function names) that renderings may set as code. */
  terms: string[];
};
export type Confidence = "high" | "medium" | "low";
export type RankedCause = {
  id: CauseId;
  title: string;
  /** 0..1, the sum of evidence points, capped. */
  score: number;
  confidence: Confidence;
  evidence: Evidence[];
  /** The runbook section this cause maps to. */
  runbookSection: string | null;
};

/** The kinds a diagnosis offers: the catalog's (runbooks/high-memory/catalog/) and advice. */
export type ActionKind = Action["kind"];

export type ActionBase = {
  /** Stable within a diagnosis: kind plus its target, e.g. "restart-pod:rdev-api-7c9". */
  id: string;
  title: string;
  reason: string;
  /** Restarts or rolls pods: the Slack app asks for confirmation. */
  destructive: boolean;
  /** What an operator would type, for the record. */
  kubectl: string | null;
};
export type AdviceAction = ActionBase & {
  kind: "advice";
  params: {
    topic: CauseId | "post-incident" | "restart-budget";
    steps: string[];
    /** kubectl commands: to run by hand, or (when `evidence` is given) the reference for what was read. */
    commands: string[];
    /** What the bot already read for these steps (from the logs), in place of running the commands. */
    evidence?: string[];
    /** Manifest-style YAML to apply, each with the exact object and field it changes. */
    manifests?: { title: string; yaml: string }[];
  };
};
/** What a diagnosis offers: an action of the runbook's catalog, or advice. */
export type Action = OfferedAction | AdviceAction;

export type { HeapSite, HeapSummary } from "./pprof.ts";

export type HeapReport =
  | {
      status: "captured";
      pod: string;
      uid: string;
      why: "requested" | "critical";
      sizeBytes: number;
      summary: HeapSummary;
    }
  | { status: "failed"; pod: string; uid: string; why: "requested" | "critical"; error: string };

export type NoteSource =
  | "pods"
  | "metrics"
  | "events"
  | "node-events"
  | "proxy"
  | "sampling"
  | "heap"
  | "logs"
  | "traefik";
/** `terms`: commands or names in the message to show as code (the message itself has no markup). */
export type Note = { source: NoteSource; message: string; terms?: readonly string[] };

/** Restarts of the workload in the budget's window (restart-budget.ts). */
export type RestartBudget = {
  count: number;
  kubelet: number;
  bot: number;
  max: number;
  windowMs: number;
  /** At or past the budget: restarts are no longer offered. */
  exceeded: boolean;
};

export type Diagnosis = {
  version: 1;
  runbook: "high-memory";
  target: { namespace: string; deployment: string; selector: string; container: string };
  /** Cluster time (ISO) of the observations: ages, OOM windows and trends are measured on it. */
  gatheredAt: string;
  /**
   * Real time (ISO) the diagnosis was taken: what people are shown. The same clock as gatheredAt
   * except against a simulator whose clock runs faster (CLUSTER_CLOCK_SPEED).
   */
  takenAt: string;
  durationMs: number;
  thresholds: { warningPercent: number; criticalPercent: number };
  severity: SeverityOrUnknown;
  /** One line for humans: what is wrong and where. */
  headline: string;
  trend: Trend | null;
  /** Worst first (highest memory percent, then unknowns). */
  pods: PodRow[];
  counts: { pods: number; probed: number; critical: number; warning: number; ok: number; unknown: number };
  oomLookbackMs: number;
  oomKills: OomKill[];
  /** The newest OOM kill before the look-back window, when a container's lastState still shows one. */
  oomKillBeforeWindow?: { pod: string; at: string } | null;
  /** The restart budget (RESTART_BUDGET), when the bot's history was available to count its restarts. */
  restartBudget?: RestartBudget | null;
  causes: RankedCause[];
  actions: Action[];
  heap: HeapReport | null;
  /** What the worst pods' logs say (absent in diagnoses made before logs were read; null: not read). */
  logs?: LogReport | null;
  /** Time to OOM per pod and the change that started the climb (absent in older diagnoses). */
  foresight?: Foresight | null;
  /** The Traefik routes in front of the workload and their timeouts (absent/null: not read). */
  traefik?: TraefikReport | null;
  notes: Note[];
  /** Kubernetes API requests this diagnosis made (log: pods/log reads). */
  apiCalls: { list: number; proxy: number; log?: number };
  /** A fatal failure (listing pods): the rest of the report is empty. */
  error: { code: string; message: string } | null;
};

/**
 * What a diagnosis needs of the previous one of the same workload (trends, growth evidence). A
 * Diagnosis is one; so is the compact snapshot the incident history stores (packages/bot/src/history/snapshot.ts).
 */
export type PreviousDiagnosis = Pick<Diagnosis, "gatheredAt"> & {
  pods: ReadonlyArray<
    Pick<PodRow, "uid" | "name"> & {
      memory: Pick<Memory, "workingSetBytes" | "percentOfLimit">;
      probe: { metrics: AppMetrics | null } | null;
    }
  >;
};

/** What runDiagnosis returns: the serialisable Diagnosis plus raw bytes kept aside for attachments. */
export type DiagnosisResult = {
  diagnosis: Diagnosis;
  heapProfile: { pod: string; uid: string; fileName: string; bytes: Buffer } | null;
};
