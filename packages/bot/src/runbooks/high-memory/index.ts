// The High Memory Usage runbook (docs/operations/runbooks/high-memory.md) as configuration:
// target, thresholds, metric names, OOM evidence, cause rules and remediation bounds.
// Everything the diagnosis reads comes from here, so a second runbook is a second file.
import type { AppMetricKey } from "../../diagnose/types.ts";
import { type CauseRule, DEFAULT_CAUSE_RULES } from "./causes.ts";

/**
 * The settings the runbook is built from (config/runbook.ts loads them into Config). Declared here so
 * the runbook never imports config/: the job schema (queue/) reads the runbook's action catalog.
 */
export type RunbookSettings = {
  target: {
    namespace: string;
    deployment: string;
    selector: string;
    container: string;
    port: number;
    readyPath: string;
    metricsPath: string;
    pprofPath: string;
  };
  thresholds: { warningPercent: number; criticalPercent: number };
  limits: { memoryLimitMaxBytes: number; memoryLimitMax: string };
  cache: { envName: string; proposedTtl: string };
  oomLookbackMs: number;
  metricNames: {
    sse: string;
    commands: string;
    heapInuse: string;
    goroutines: string;
    cacheSize: string;
    cacheBytes: string;
    outputBuffered: string;
    heapAlloc: string;
    residentMemory: string;
  };
  diagnostics: {
    concurrency: number;
    timeoutMs: number;
    maxPodsProbed: number;
    logs: { pods: number; windowMs: number; tailLines: number; limitBytes: number; previousLines: number };
    traefik: boolean;
  };
  /** RESTART_BUDGET: at most `max` restarts of the workload per `windowMs` before restarts stop being offered. */
  restartBudget: { max: number; windowMs: number };
};

export type HighMemoryRunbook = {
  id: "high-memory";
  title: string;
  target: RunbookSettings["target"];
  thresholds: {
    warningPercent: number;
    criticalPercent: number;
    /** A change smaller than this many percentage points between snapshots is "stable". */
    trendTolerancePoints: number;
  };
  metricNames: Record<AppMetricKey, string>;
  oom: {
    lookbackMs: number;
    /** Event reasons on pods that report an OOM kill (real kubelets emit none; some tools do). */
    podEventReasons: string[];
    /** Event reasons on nodes: kubelet SystemOOM, node-problem-detector OOMKilling. */
    nodeEventReasons: string[];
  };
  causes: readonly CauseRule[];
  limits: { maxBytes: number; max: string };
  cache: { envName: string; proposedTtl: string };
  diagnostics: RunbookSettings["diagnostics"];
  /** At most this many pods get a restart-pod action; more critical pods call for a rolling restart. */
  maxPodRestarts: number;
  /** RESTART_BUDGET: past `max` restarts per `windowMs`, restarts are no longer offered. */
  restartBudget: { max: number; windowMs: number };
};

export function highMemoryRunbook(
  config: RunbookSettings,
  overrides: { causes?: readonly CauseRule[] } = {},
): HighMemoryRunbook {
  const m = config.metricNames;
  return {
    id: "high-memory",
    title: "High Memory Usage",
    target: config.target,
    thresholds: {
      warningPercent: config.thresholds.warningPercent,
      criticalPercent: config.thresholds.criticalPercent,
      trendTolerancePoints: 2,
    },
    metricNames: {
      sse: m.sse,
      commands: m.commands,
      outputBuffered: m.outputBuffered,
      cacheEntries: m.cacheSize,
      cacheBytes: m.cacheBytes,
      heapInuse: m.heapInuse,
      heapAlloc: m.heapAlloc,
      goroutines: m.goroutines,
      residentMemory: m.residentMemory,
    },
    oom: {
      lookbackMs: config.oomLookbackMs,
      podEventReasons: ["OOMKilled", "OOMKilling"],
      nodeEventReasons: ["SystemOOM", "OOMKilling"],
    },
    causes: overrides.causes ?? DEFAULT_CAUSE_RULES,
    limits: { maxBytes: config.limits.memoryLimitMaxBytes, max: config.limits.memoryLimitMax },
    cache: { envName: config.cache.envName, proposedTtl: config.cache.proposedTtl },
    diagnostics: config.diagnostics,
    maxPodRestarts: 2,
    restartBudget: config.restartBudget,
  };
}

export type { CauseRule } from "./causes.ts";
