// Shared options for the workload tests.

import { type AppStartOptions, LOAD, type ScenarioName } from "@rdev/kube-sim/workload/index.ts";
import parsePrometheusTextFormat, { type PrometheusFamily } from "parse-prometheus-text-format";

export const MiB = 1024 * 1024;
export const LIMIT_512MI = 512 * MiB;
export const T0 = Date.parse("2026-11-26T03:00:00Z");
export const MINUTE = 60_000;

export function appOptions(
  scenario: ScenarioName,
  overrides: Partial<AppStartOptions> = {},
): AppStartOptions {
  return {
    scenario,
    podName: `rdev-api-7d9f8b6c5d-${overrides.podIndex ?? 0}`,
    podIndex: 0,
    restartCount: 0,
    generation: 0,
    startedAtMs: T0,
    // bad-rollout: a process of the release that leaks (1.9.0); 1.8.3 processes are steady.
    spec: {
      memoryLimitBytes: LIMIT_512MI,
      env: {},
      ...(scenario === "bad-rollout" ? { image: LOAD.badRollout.leakyImage } : {}),
    },
    seed: 1234,
    ...overrides,
  };
}

/** Reference OOM search: the first whole second at or above the limit, by brute force. */
export function bruteForceCrossing(
  memoryAt: (ms: number) => number,
  limit: number,
  fromMs: number,
  toMs: number,
): number | null {
  for (let t = fromMs; t <= toMs; t += 1000) if (memoryAt(t) >= limit) return t;
  return null;
}

export type ParsedFamily = PrometheusFamily;

/** Parses exposition text with an independent parser (parse-prometheus-text-format). */
export function parseMetrics(text: string): ParsedFamily[] {
  return parsePrometheusTextFormat(text);
}

/** The value of an unlabelled gauge, read with the independent parser; throws when absent. */
export function gaugeValue(text: string, name: string): number {
  const family = parseMetrics(text).find((f) => f.name === name);
  const value = family?.metrics[0]?.value;
  if (value === undefined) throw new Error(`metric ${name} is missing from /metrics`);
  return Number(value);
}
