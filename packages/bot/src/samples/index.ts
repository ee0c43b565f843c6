export { chartInputFromHistory, oomKillEvents } from "./chart-input.ts";
export { MetricsSourceError, type MetricsSourceErrorCode } from "./errors.ts";
export { limitChanges } from "./limit-events.ts";
export { type PrometheusRangeSourceOptions, prometheusRangeSource } from "./prometheus-range-source.ts";
export { memoryLimitQuery, rangeParams, workingSetQuery } from "./promql.ts";
export {
  historyFromSnapshots,
  type MemorySnapshot,
  type PodMemorySample,
  recordSnapshot,
  snapshotFromDiagnosis,
  snapshotHistorySource,
} from "./snapshot-history-source.ts";
export type { MemoryHistory, MemoryHistorySource, MemoryTarget, MemoryWindow } from "./types.ts";
