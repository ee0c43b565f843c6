// Diagnostics: gather (cluster reads) + analyse (pure) + renderings. Entry points for the worker and CLI.
export { analyse, failedDiagnosis } from "./analyse.ts";
export { rankCauses } from "./causes.ts";
export { formatBytes, formatCount, formatDuration, formatPercent } from "./format.ts";
export { gather, type HeapMode, type Observations } from "./gather.ts";
export { summariseHeapProfile } from "./pprof.ts";
export { renderText } from "./render-text.ts";
export { type DiagnoseDeps, type DiagnoseOptions, runDiagnosis } from "./run-diagnosis.ts";
export { severityForPercent, worstSeverity } from "./severity.ts";
export type * from "./types.ts";
