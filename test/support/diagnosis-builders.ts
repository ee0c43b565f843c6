// Builders for PodRow and HeapSummary values in analysis tests (pure data, no cluster).
import { emptyAppMetrics } from "@rdev/bot/diagnose/app-metrics.ts";
import { severityForPercent } from "@rdev/bot/diagnose/severity.ts";
import type { AppMetrics, HeapSummary, PodRow } from "@rdev/bot/diagnose/types.ts";

export const MI = 1024 ** 2;

export type RowSpec = {
  /** Working set in MiB; null for unknown. */
  mi?: number | null;
  limitMi?: number | null;
  metrics?: Partial<AppMetrics> | null;
  restarts?: number;
  phase?: string;
};

export function row(name: string, spec: RowSpec = {}): PodRow {
  const limitBytes = spec.limitMi === undefined ? 512 * MI : spec.limitMi === null ? null : spec.limitMi * MI;
  const workingSetBytes = spec.mi === undefined ? 200 * MI : spec.mi === null ? null : spec.mi * MI;
  const percentOfLimit =
    workingSetBytes !== null && limitBytes !== null
      ? Math.round((workingSetBytes / limitBytes) * 1000) / 10
      : null;
  const severity = severityForPercent(percentOfLimit, { warningPercent: 80, criticalPercent: 95 });
  return {
    name,
    uid: `uid-${name}`,
    node: "node-1",
    phase: spec.phase ?? "Running",
    ready: true,
    createdAt: "2026-11-26T00:00:00.000Z",
    ageMs: 3 * 3_600_000,
    container: "rdev-api",
    memory: { workingSetBytes, limitBytes, requestBytes: 256 * MI, percentOfLimit, note: null },
    severity,
    severityReason: "",
    trend: null,
    restarts: spec.restarts ?? 0,
    lastTermination: null,
    probe:
      spec.metrics === null
        ? null
        : {
            metrics: { ...emptyAppMetrics(), ...(spec.metrics ?? {}) },
            metricsError: null,
            readyStatus: 200,
            readyError: null,
          },
    notProbedReason: spec.metrics === null ? "not sampled" : null,
  };
}

/** A heap summary with the given leaf sites (name, MiB, stack below the leaf). */
export function heap(sites: [fn: string, mi: number, stack?: string[]][]): HeapSummary {
  const total = sites.reduce((a, [, mi]) => a + mi * MI, 0);
  return {
    sampleType: "inuse_space",
    totalInuseBytes: total,
    totalInuseObjects: 1000,
    top: sites.map(([fn, mi, stack = []]) => ({
      function: fn,
      file: null,
      inuseBytes: mi * MI,
      share: (mi * MI) / total,
      stack: [fn, ...stack],
    })),
    cumulative: [],
  };
}
