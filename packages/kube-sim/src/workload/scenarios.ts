// What each scenario's users do to one rdev-api pod, as pure functions of seconds since start.
// Curves are non-decreasing in time (leaks, ramps and plateaus), which the OOM search relies on.
//
// With a 512Mi limit (tested across seeds in test/simulator/workload/scenarios.test.ts):
// - steady: ~31% at start, settles at ~40-42% once the cache has filled (CACHE_TTL, default 5m).
// - sse-leak: pod 0 of generation 0, first start only: from 90 s, ~9 stuck connections/s;
//   80% at ~7.5 min, 95% at ~10 min, OOM at ~10-12 min. Peers, restarts and replacements: steady.
// - large-output: every pod, ~5 commands whose buffers grow ~0.09 MiB/s each; OOM at ~10-14 min,
//   and again after every restart (a restart only buys time).
// - many-commands: every pod, commands ramp from 8 to ~320 over 7 min; plateau at ~83-93%.
// - cache-growth: every pod, ~15 inserts/s of 64 KiB entries living CACHE_TTL; plateau at ~83-93%
//   with 5m, ~34% with 15s, OOM at ~6 min with 1h.
// - bad-rollout: steady on image 1.8.3; 3 min in, CI rolls out 1.9.0 (revision 2), whose broker
//   never unsubscribes closed SSE clients: every 1.9.0 process, every start, leaks ~9 connections/s
//   from 60 s after it starts (OOM ~10 min later). Rolling back to revision 1 cures it.
import type { ScenarioName } from "./types.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

/** Per-process traits drawn once from the seeded PRNG (see traitsFor in model.ts). */
export type PodTraits = {
  /** Multiplies the scenario's load (connections, commands, cache inserts): 0.94..1.06. */
  loadFactor: number;
  /** Multiplies growth rates (leaks, output growth): 0.94..1.06. */
  growthFactor: number;
  /** Whether this process has the stuck SSE clients (sse-leak: pod 0, generation 0, first start; bad-rollout: image 1.9.0). */
  leaksSse: boolean;
  /** CACHE_TTL from the container env, in seconds. */
  cacheTtlSeconds: number;
};

/** Average load at one instant. Counts are continuous; metrics round them. */
export type Load = {
  sseConnections: number;
  commandsActive: number;
  outputPerCommandBytes: number;
  cacheEntries: number;
  cacheEntryBytes: number;
};

/** Tunables, exported so tests and docs can reason about the curves. */
export const LOAD = {
  steady: {
    sseConnections: 300,
    commandsActive: 8,
    outputPerCommandBytes: 7 * MiB,
    cacheInsertsPerSecond: 5,
    cacheEntryBytes: 32 * KiB,
  },
  sseLeak: { startSeconds: 90, connectionsPerSecond: 9 },
  largeOutput: { commandsActive: 5, initialBytes: 6 * MiB, growthBytesPerSecond: 0.09 * MiB },
  manyCommands: { peakCommands: 320, rampSeconds: 420, outputPerCommandBytes: 0.8 * MiB },
  cacheGrowth: { cacheInsertsPerSecond: 15.2, cacheEntryBytes: 64 * KiB },
  badRollout: {
    startSeconds: 60,
    connectionsPerSecond: 9,
    leakyImage: "zot.rdev.internal/rdev/rdev-api:1.9.0",
    deployAfterMs: 3 * 60_000,
    changeCause: "woodpecker: deploy rdev-api 1.9.0 (pipeline #4182)",
  },
} as const;

const smoothstep = (x: number): number => {
  const c = Math.min(1, Math.max(0, x));
  return c * c * (3 - 2 * c);
};

function steadyLoad(traits: PodTraits, t: number): Load {
  const s = LOAD.steady;
  return {
    sseConnections: s.sseConnections * traits.loadFactor,
    commandsActive: s.commandsActive * traits.loadFactor,
    outputPerCommandBytes: s.outputPerCommandBytes,
    // Entries live for CACHE_TTL: inserts at a constant rate fill the cache until the first expire.
    cacheEntries: s.cacheInsertsPerSecond * traits.loadFactor * Math.min(t, traits.cacheTtlSeconds),
    cacheEntryBytes: s.cacheEntryBytes,
  };
}

/** The scenario's load on one process `t` seconds after it started. */
export function loadAt(scenario: ScenarioName, traits: PodTraits, t: number): Load {
  const base = steadyLoad(traits, t);
  switch (scenario) {
    case "steady":
      return base;
    case "sse-leak":
    case "bad-rollout": {
      if (!traits.leaksSse) return base;
      const { startSeconds, connectionsPerSecond } = scenario === "sse-leak" ? LOAD.sseLeak : LOAD.badRollout;
      const stuck = connectionsPerSecond * traits.growthFactor * Math.max(0, t - startSeconds);
      return { ...base, sseConnections: base.sseConnections + stuck };
    }
    case "large-output": {
      const l = LOAD.largeOutput;
      return {
        ...base,
        commandsActive: l.commandsActive * traits.loadFactor,
        outputPerCommandBytes: l.initialBytes + l.growthBytesPerSecond * traits.growthFactor * t,
      };
    }
    case "many-commands": {
      const m = LOAD.manyCommands;
      const ramp = smoothstep(t / m.rampSeconds);
      const peak = m.peakCommands * traits.loadFactor;
      return {
        ...base,
        commandsActive: base.commandsActive + (peak - base.commandsActive) * ramp,
        outputPerCommandBytes: m.outputPerCommandBytes,
      };
    }
    case "cache-growth": {
      const c = LOAD.cacheGrowth;
      return {
        ...base,
        cacheEntries: c.cacheInsertsPerSecond * traits.loadFactor * Math.min(t, traits.cacheTtlSeconds),
        cacheEntryBytes: c.cacheEntryBytes,
      };
    }
  }
}
