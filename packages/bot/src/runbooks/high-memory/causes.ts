// The runbook's "Common Causes", as data. Each rule names the /metrics gauge that counts the
// suspect, the figure that measures its bytes, and the heap-profile frames that betray it; the
// scoring engine (packages/bot/src/diagnose/causes.ts) is generic. A new cause is a new entry here.
import type { AppMetricKey, CauseId } from "../../diagnose/types.ts";

export type CauseRule = {
  id: Exclude<CauseId, "unknown">;
  title: string;
  /** The runbook's section for this cause. */
  runbookSection: string;
  /** The gauge that counts the suspect (connections, commands, cache entries, buffered bytes). */
  metric: AppMetricKey;
  /** A second gauge expected to move with it (goroutines per SSE stream or command). */
  companion: AppMetricKey | null;
  /**
   * A gauge in bytes whose share of the Go heap measures the suspect. `standalone` false when the
   * bytes do not tell causes apart (large outputs and many commands both fill output buffers):
   * the share then only supports other evidence.
   */
  heapShare: { metric: AppMetricKey; standalone: boolean } | null;
  /**
   * A per-pod level that is high whatever the peers say (all pods can leak alike): `metric`
   * (default the rule's), optionally divided by `per` (output bytes per running command).
   */
  high: { metric?: AppMetricKey; per?: { metric: AppMetricKey; label: string }; value: number };
  /** Below this, an outlier is noise (5 commands vs 1 is not a cause). */
  floor: number;
  /** Regular expressions (sources) matched against heap-profile frames, leaf first. */
  pprof: string[];
};

/** Points each kind of evidence adds to a score (capped at 1). Primary kinds can stand alone. */
export const EVIDENCE_POINTS = {
  outlier: 0.3,
  absolute: 0.2,
  heapShare: 0.3, // the bytes metric is >= half the heap in use
  pprofHigh: 0.35, // matching heap-profile sites hold >= 40% of in-use heap
  pprof: 0.2, // >= 25%
  // Supporting kinds only count when a primary kind matched (3 pods correlate by chance).
  correlation: 0.15,
  companion: 0.1,
  growth: 0.15,
  // From the logs: a stuck-connection count that matches the gauge, runaway commands named (primary);
  // stuck clients that do not explain the gauge, many commands running (supporting).
  logMatch: 0.25,
  logSupport: 0.1,
} as const;

export const SCORING = {
  /** Worst pod's value vs the median of its peers. */
  outlierRatio: 3,
  heapShare: 0.5,
  pprofShareHigh: 0.4,
  pprofShare: 0.25,
  /** Pearson r between the gauge and working set across probed pods. */
  correlation: 0.8,
  minPodsForCorrelation: 3,
  /** A previous snapshot counts as growth when the gauge rose by half or more. */
  growthRatio: 1.5,
  /** Below this score no cause stands out and "unknown" ranks first. */
  minScore: 0.3,
  highConfidence: 0.7,
  mediumConfidence: 0.4,
} as const;

export const DEFAULT_CAUSE_RULES: readonly CauseRule[] = [
  {
    id: "sse-leak",
    title: "SSE connection leak",
    runbookSection: "If SSE Connections Are Leaking",
    metric: "sse",
    companion: "goroutines",
    heapShare: null,
    high: { value: 1000 },
    floor: 50,
    pprof: ["/internal/sse[./]", "\\bsse\\.\\(\\*Broker\\)"],
  },
  {
    id: "large-output",
    title: "Large command outputs",
    runbookSection: "If Command Output Is Too Large",
    metric: "outputBuffered",
    companion: null,
    heapShare: { metric: "outputBuffered", standalone: false },
    // Many small outputs are "many commands"; large outputs are large per command.
    high: { per: { metric: "commands", label: "command" }, value: 16 * 1024 ** 2 },
    floor: 16 * 1024 ** 2,
    pprof: ["\\(\\*OutputBuffer\\)", "/internal/exec\\.\\(\\*OutputBuffer\\)"],
  },
  {
    id: "many-commands",
    title: "Many concurrent commands",
    runbookSection: "Common Causes: many concurrent commands",
    metric: "commands",
    companion: "goroutines",
    heapShare: { metric: "outputBuffered", standalone: false },
    high: { value: 50 },
    floor: 5,
    pprof: ["/internal/exec\\.\\(\\*Runner\\)\\.Start", "^os/exec\\.\\(\\*Cmd\\)\\.Start"],
  },
  {
    id: "cache-growth",
    title: "Cache growth",
    runbookSection: "If Cache Is Growing",
    metric: "cacheEntries",
    companion: null,
    heapShare: { metric: "cacheBytes", standalone: true },
    // Entry sizes vary by project; bytes say more than the entry count.
    high: { metric: "cacheBytes", value: 128 * 1024 ** 2 },
    floor: 500,
    pprof: ["/internal/cache[./]", "\\(\\*ProjectCache\\)"],
  },
];
