// The memory model of one rdev-api (Go 1.25) process: load (scenarios.ts) times per-item costs,
// plus the runtime's fixed overhead and a little bounded noise. Pure functions of (options, t).
import { parseGoDuration } from "./duration.ts";
import { hash32, mulberry32, valueNoise } from "./random.ts";
import { LOAD, type Load, loadAt, type PodTraits } from "./scenarios.ts";
import type { AppStartOptions } from "./types.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

/** Per-item costs, as a Go 1.25 HTTP server pays them. */
export const COST = {
  /** Runtime, binary text, GC metadata: outside the heap and not per-goroutine. */
  nonHeapBytes: 24 * MiB,
  /** GC metadata and span overhead, as a fraction of the heap. */
  nonHeapPerHeapByte: 0.02,
  /** Long-lived heap of an idle process (clients, pools, indexes, gzip writers). */
  baseHeapBytes: 58 * MiB,
  baseGoroutines: 40,
  goroutineStackBytes: 8 * KiB,
  goroutineStructBytes: 448, // runtime.g, allocated by runtime.malg
  goroutinesPerSse: 2, // the handler and the broker's writer
  goroutinesPerCommand: 3, // cmd.Wait and the stdout/stderr copiers
  /** Per SSE connection: broker subscription (event channel), bufio reader and writer, request state. */
  sseSubscribeBytes: 28 * KiB,
  sseBufioWriterBytes: 4 * KiB,
  sseBufioReaderBytes: 4 * KiB,
  sseRequestBytes: 7 * KiB,
  /** Per command: the runner's preallocated output buffer, then the exec.Cmd (pipes, env, argv). */
  commandRunnerBytes: 512 * KiB,
  commandCmdBytes: 96 * KiB,
  /** Short-lived heap (JSON decoding, request churn) wobbles by up to this much. */
  heapNoiseBytes: 1.5 * MiB,
  heapNoisePeriodSeconds: 10,
  /** Idle heap differs between pods by up to this much either way. */
  baseOffsetBytes: 3 * MiB,
} as const;

/** The bound on how far workingSet strays from meanWorkingSet at any instant. */
export const NOISE_BOUND_BYTES = COST.heapNoiseBytes * (1 + COST.nonHeapPerHeapByte) + 1;

export const DEFAULT_CACHE_TTL_SECONDS = 300;

/** Heap bytes by allocation site family; summed they are go_memstats_heap_inuse_bytes. */
export type HeapParts = {
  base: number;
  goroutineStructs: number;
  sseSubscribe: number;
  sseBufioWriter: number;
  sseBufioReader: number;
  sseRequest: number;
  commandRunner: number;
  commandCmd: number;
  /** Output beyond the preallocated buffer, grown by bytes.growSlice. */
  outputGrowth: number;
  cache: number;
  noise: number;
};

export type Snapshot = Load & {
  tSeconds: number;
  goroutines: number;
  outputBufferedBytes: number;
  cacheBytes: number;
  heap: HeapParts;
  heapInuseBytes: number;
  stackInuseBytes: number;
  nonHeapBytes: number;
  workingSetBytes: number;
};

export type ProcessModel = {
  options: AppStartOptions;
  traits: PodTraits;
  /** Key for this process's noise streams. */
  noiseKey: number;
  baseOffsetBytes: number;
};

/** CACHE_TTL from the env in seconds; rdev-api falls back to 5m when it is unset or unparsable. */
export function cacheTtlSeconds(env: Record<string, string>): number {
  const raw = env.CACHE_TTL;
  if (raw === undefined) return DEFAULT_CACHE_TTL_SECONDS;
  const ms = parseGoDuration(raw);
  return ms === null || ms < 0 ? DEFAULT_CACHE_TTL_SECONDS : ms / 1000;
}

/** Draws the process's traits from its seed, pod index, restart count and generation. */
export function createModel(options: AppStartOptions): ProcessModel {
  const key = hash32(options.seed, options.podIndex, options.restartCount, options.generation);
  const rand = mulberry32(key);
  const spread = () => 0.94 + rand() * 0.12;
  const traits: PodTraits = {
    loadFactor: spread(),
    growthFactor: spread(),
    leaksSse:
      (options.scenario === "sse-leak" &&
        options.podIndex === 0 &&
        options.generation === 0 &&
        options.restartCount === 0) ||
      (options.scenario === "bad-rollout" && options.spec.image === LOAD.badRollout.leakyImage),
    cacheTtlSeconds: cacheTtlSeconds(options.spec.env),
  };
  return {
    options,
    traits,
    noiseKey: hash32(key, 0x6e6f6973),
    baseOffsetBytes: (rand() * 2 - 1) * COST.baseOffsetBytes,
  };
}

/** Seconds since the process started (0 before it). */
export function secondsSinceStart(model: ProcessModel, nowMs: number): number {
  return Math.max(0, (nowMs - model.options.startedAtMs) / 1000);
}

function snapshotWithNoise(model: ProcessModel, t: number, noiseUnit: number): Snapshot {
  const load = loadAt(model.options.scenario, model.traits, t);
  const { sseConnections: sse, commandsActive: cmds } = load;
  const goroutines = COST.baseGoroutines + COST.goroutinesPerSse * sse + COST.goroutinesPerCommand * cmds;
  const heap: HeapParts = {
    base: COST.baseHeapBytes + model.baseOffsetBytes,
    goroutineStructs: goroutines * COST.goroutineStructBytes,
    sseSubscribe: sse * COST.sseSubscribeBytes,
    sseBufioWriter: sse * COST.sseBufioWriterBytes,
    sseBufioReader: sse * COST.sseBufioReaderBytes,
    sseRequest: sse * COST.sseRequestBytes,
    commandRunner: cmds * COST.commandRunnerBytes,
    commandCmd: cmds * COST.commandCmdBytes,
    outputGrowth: cmds * Math.max(0, load.outputPerCommandBytes - COST.commandRunnerBytes),
    cache: load.cacheEntries * load.cacheEntryBytes,
    noise: noiseUnit * COST.heapNoiseBytes,
  };
  let heapInuseBytes = 0;
  for (const v of Object.values(heap)) heapInuseBytes += v;
  const stackInuseBytes = goroutines * COST.goroutineStackBytes;
  const nonHeapBytes = COST.nonHeapBytes + heapInuseBytes * COST.nonHeapPerHeapByte;
  return {
    ...load,
    tSeconds: t,
    goroutines,
    outputBufferedBytes: cmds * load.outputPerCommandBytes,
    cacheBytes: load.cacheEntries * load.cacheEntryBytes,
    heap,
    heapInuseBytes,
    stackInuseBytes,
    nonHeapBytes,
    workingSetBytes: nonHeapBytes + stackInuseBytes + heapInuseBytes,
  };
}

/** Everything about the process at `t` seconds after start. */
export function snapshotAt(model: ProcessModel, t: number): Snapshot {
  return snapshotWithNoise(model, t, valueNoise(model.noiseKey, t, COST.heapNoisePeriodSeconds));
}

/** Working set without the time-varying noise: non-decreasing in t for every scenario. */
export function meanWorkingSet(model: ProcessModel, t: number): number {
  return snapshotWithNoise(model, t, 0).workingSetBytes;
}
