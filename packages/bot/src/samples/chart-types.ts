// What a memory chart shows. Plain data: the chart never reads a cluster or a clock itself.

/** One sample: `t` in ms since the epoch, `bytes` the container's working set. */
export type MemoryPoint = { t: number; bytes: number };

export type MemorySeries = { pod: string; points: MemoryPoint[] };

/** Something that happened, drawn as a vertical marker ("OOMKilled rdev-api-x", "limit -> 1Gi"). */
export type ChartEvent = { t: number; label: string };

export type MemoryChartInput = {
  title: string;
  /** Shown under the title, e.g. "rdev/rdev-api, last 30m". */
  subtitle?: string;
  /** One line per pod. */
  series: MemorySeries[];
  /** The container memory limit (drawn as a line); null: no limit set, so no limit or threshold lines. */
  limitBytes: number | null;
  /** Percent of the limit that warns (the runbook's 80%). */
  warningPercent: number;
  /** Percent of the limit that is critical (the runbook's 95%); omitted: not drawn. */
  criticalPercent?: number;
  events?: ChartEvent[];
  /** Name of the time axis; default "UTC" ("UTC, cluster clock" when the cluster's clock is not real time). */
  timeAxisName?: string;
  /** The time span to show (ms since the epoch); default: from the first to the last sample or event. */
  range?: { startMs: number; endMs: number };
  /** Pixels; default 960 x 480. */
  width?: number;
  height?: number;
};
