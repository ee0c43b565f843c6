// The simulated rdev-api process: a deterministic function of time since start, used by the
// simulated Kubernetes API for metrics.k8s.io, OOM kills, /metrics, /ready and /debug/pprof/heap.
import { appLogLines } from "./app-log.ts";
import { firstCrossing } from "./crossing.ts";
import { gzipHeapProfile } from "./heap-profile.ts";
import { heapSites } from "./heap-sites.ts";
import { metricsText } from "./metrics-text.ts";
import {
  createModel,
  meanWorkingSet,
  NOISE_BOUND_BYTES,
  type ProcessModel,
  type Snapshot,
  secondsSinceStart,
  snapshotAt,
} from "./model.ts";
import { valueNoise } from "./random.ts";
import { type AppProcess, type AppStartOptions, SCENARIOS } from "./types.ts";

export { formatGoDuration, parseGoDuration } from "./duration.ts";
export { HEAP_FUNCTIONS, SCENARIO_HEAP_SITES } from "./heap-sites.ts";
export { COMMAND_LOG } from "./log-commands.ts";
export { SSE_LOG } from "./log-sse.ts";
export { COST, cacheTtlSeconds, DEFAULT_CACHE_TTL_SECONDS, type Snapshot } from "./model.ts";
export { LOAD } from "./scenarios.ts";
export * from "./types.ts";

/** /ready fails for this long after start (the app warms its caches and connection pools). */
export const READY_AFTER_MS = 2000;
/** /ready fails while memory is above this fraction of the limit (the GC is thrashing). */
export const UNREADY_MEMORY_FRACTION = 0.98;

function validate(options: AppStartOptions): void {
  const problems: string[] = [];
  if (!SCENARIOS.includes(options.scenario)) {
    problems.push(`scenario "${options.scenario}" is unknown; use one of ${SCENARIOS.join(", ")}`);
  }
  for (const key of ["podIndex", "restartCount", "generation"] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 0) {
      problems.push(`${key} must be a non-negative integer (got ${options[key]})`);
    }
  }
  if (!Number.isFinite(options.startedAtMs)) problems.push("startedAtMs must be a finite epoch time in ms");
  if (!Number.isFinite(options.seed)) problems.push("seed must be a finite number");
  const limit = options.spec.memoryLimitBytes;
  if (limit !== null && !(limit > 0))
    problems.push(`spec.memoryLimitBytes must be > 0 or null (got ${limit})`);
  if (problems.length > 0)
    throw new RangeError(`Cannot start the simulated rdev-api: ${problems.join("; ")}`);
}

/** Gauges as a scrape reads them: integers, wobbling a little around the average load. */
function observedCounts(
  model: ProcessModel,
  s: Snapshot,
): { commandsActive: number; sseConnections: number } {
  const t = s.tSeconds;
  const cmdWobble = Math.max(0.6, s.commandsActive * 0.01) * valueNoise(model.noiseKey + 1, t, 7);
  const sseWobble = Math.min(6, s.sseConnections * 0.02) * valueNoise(model.noiseKey + 2, t, 5);
  return {
    commandsActive: Math.max(0, Math.round(s.commandsActive + cmdWobble)),
    sseConnections: Math.max(0, Math.round(s.sseConnections + sseWobble)),
  };
}

/** Starts one simulated rdev-api container process. Pure: no timers, no I/O. */
export function startAppProcess(options: AppStartOptions): AppProcess {
  validate(options);
  const model = createModel(options);
  const start = options.startedAtMs;
  const snapshot = (nowMs: number) => snapshotAt(model, secondsSinceStart(model, nowMs));
  const memoryAt = (nowMs: number) => snapshot(nowMs).workingSetBytes;
  const envelope = (nowMs: number) =>
    meanWorkingSet(model, secondsSinceStart(model, nowMs)) + NOISE_BOUND_BYTES;

  return {
    memoryAt,
    oomAt(limitBytes, fromMs, toMs) {
      return firstCrossing(memoryAt, envelope, limitBytes, Math.max(fromMs, start), toMs);
    },
    metricsText(nowMs) {
      const s = snapshot(nowMs);
      return metricsText({ snapshot: s, startedAtMs: start, ...observedCounts(model, s) });
    },
    ready(nowMs) {
      if (nowMs - start < READY_AFTER_MS) return false;
      const limit = options.spec.memoryLimitBytes;
      return limit === null || memoryAt(nowMs) <= limit * UNREADY_MEMORY_FRACTION;
    },
    heapProfile(nowMs) {
      return gzipHeapProfile(heapSites(snapshot(nowMs)), nowMs);
    },
    logLines(fromMs, toMs) {
      const gauges = (t: number) => {
        const s = snapshot(t);
        const counts = observedCounts(model, s);
        return {
          sse: counts.sseConnections,
          commands: counts.commandsActive,
          outputBuffered: Math.round(s.outputBufferedBytes),
          cacheEntries: Math.round(s.cacheEntries),
          cacheBytes: Math.round(s.cacheBytes),
        };
      };
      return appLogLines(model, gauges, Math.max(fromMs, start), toMs);
    },
  };
}

/** The model's full state at nowMs, for tests, benchmarks and the demo's narration. */
export function inspectAppProcess(options: AppStartOptions, nowMs: number): Snapshot {
  validate(options);
  const model = createModel(options);
  return snapshotAt(model, secondsSinceStart(model, nowMs));
}
