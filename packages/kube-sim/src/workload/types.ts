// Contract between the simulated Kubernetes API (packages/kube-sim/src/*) and the simulated rdev-api
// application running in each container (packages/kube-sim/src/workload/*).

export const SCENARIOS = [
  "steady",
  "sse-leak",
  "large-output",
  "many-commands",
  "cache-growth",
  "bad-rollout",
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Metric names the simulated rdev-api serves on /metrics (Prometheus text format 0.0.4). */
export const RDEV_METRICS = {
  sseConnections: "sse_connections_active", // gauge: open SSE streams
  commandsActive: "commands_active", // gauge: commands currently running
  outputBuffered: "rdev_command_output_buffered_bytes", // gauge: command output held in memory
  cacheEntries: "rdev_cache_entries", // gauge: project cache entries
  cacheBytes: "rdev_cache_bytes", // gauge: project cache size in bytes
  heapInuse: "go_memstats_heap_inuse_bytes",
  heapAlloc: "go_memstats_heap_alloc_bytes",
  goroutines: "go_goroutines",
  residentMemory: "process_resident_memory_bytes",
} as const;

/** The container spec values that change the app's behaviour (a new process starts with them). */
export type AppSpec = {
  memoryLimitBytes: number | null;
  env: Record<string, string>; // CACHE_TTL lowers cache growth
  /** The container's image (bad-rollout: the leaking release is a tag). */
  image?: string;
};

export type AppStartOptions = {
  scenario: ScenarioName;
  podName: string;
  /** Which replica of the workload this is (0-based, stable across a pod's restarts). */
  podIndex: number;
  /** How many times this pod's container has been started before (0 for the first start). */
  restartCount: number;
  /**
   * Which generation of pods this is: 0 for the pods that exist when the simulator starts,
   * 1+ for replacements (eviction, delete, rollout). Leaks that a restart cures key off this.
   */
  generation: number;
  startedAtMs: number;
  spec: AppSpec;
  seed: number;
};

/** One running rdev-api container process. Deterministic: same options, same answers. */
export interface AppProcess {
  /** Working-set bytes (what metrics.k8s.io reports) at simulated time `nowMs` (>= startedAtMs). */
  memoryAt(nowMs: number): number;
  /** First instant in [fromMs, toMs] at which memoryAt(t) >= limitBytes, or null. */
  oomAt(limitBytes: number, fromMs: number, toMs: number): number | null;
  /** Prometheus text exposition of the app's /metrics at nowMs. */
  metricsText(nowMs: number): string;
  /** Whether /ready answers 200 at nowMs (false briefly after start, and when memory is near the limit). */
  ready(nowMs: number): boolean;
  /** A gzipped pprof protobuf heap profile (as Go's /debug/pprof/heap serves) at nowMs. */
  heapProfile(nowMs: number): Buffer;
  /** The container's log lines (slog text, oldest first) with timestamps in [fromMs, toMs]. */
  logLines(fromMs: number, toMs: number): { t: number; text: string }[];
}
