// The High Memory Usage runbook (docs/operations/runbooks/high-memory.md) as configuration:
// target, thresholds, metric names, OOM evidence, cause rules and remediation bounds.
// Everything the diagnosis reads comes from here, so a second runbook is a second file.
import type { Config } from "../../config.ts";
import type { AppMetricKey } from "../../diagnose/types.ts";
import { type CauseRule, DEFAULT_CAUSE_RULES } from "./causes.ts";

export type HighMemoryRunbook = {
  id: "high-memory";
  title: string;
  target: Config["target"];
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
  diagnostics: Config["diagnostics"];
  /** At most this many pods get a restart-pod action; more critical pods call for a rolling restart. */
  maxPodRestarts: number;
  /** RESTART_BUDGET: past `max` restarts per `windowMs`, restarts are no longer offered. */
  restartBudget: { max: number; windowMs: number };
};

export function highMemoryRunbook(
  config: Config,
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
