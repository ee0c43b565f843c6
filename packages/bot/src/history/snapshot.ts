// The compact Diagnosis snapshot the incident history stores: what the timeline, the history views
// and the postmortem show (peak memory, likely cause, OOM kills, heap hot spots, proposed actions)
// and what the next diagnosis needs for its trend and growth evidence (per pod: uid, name, working
// set, % of limit and the /metrics gauges). A full Diagnosis is ~10x larger (evidence texts, notes,
// kubectl lines); this is ~1 KB for a handful of pods. Parsed with zod whenever it is read back.

import { z } from "zod";
import { changeSentence, forecastHeadline } from "../diagnose/foresight/describe.ts";
import {
  APP_METRIC_KEYS,
  type AppMetrics,
  type Diagnosis,
  type PreviousDiagnosis,
} from "../diagnose/types.ts";
import { clocksDiffer } from "../diagnose/when.ts";

/** Pods kept per snapshot (worst first): enough for any trend, bounded for Redis. */
export const SNAPSHOT_MAX_PODS = 50;

const count = z.number().int().nonnegative();
const bytes = z.number().nullable();

const SnapshotPod = z.object({
  uid: z.string(),
  name: z.string(),
  workingSetBytes: bytes,
  percent: z.number().nullable(),
  limitBytes: bytes,
  restarts: count,
  /** The pod's /metrics gauges (only those read); null when it was not probed. */
  metrics: z.partialRecord(z.enum(APP_METRIC_KEYS), z.number()).nullable(),
});
export type SnapshotPod = z.infer<typeof SnapshotPod>;

export const DiagnosisSnapshot = z.object({
  version: z.literal(1),
  /** Cluster time (ISO): what trends and ages are measured against. */
  gatheredAt: z.string(),
  /**
   * Real time (ms) the diagnosis was taken, what people are shown; differs from gatheredAt only
   * against a sped-up simulator. null in snapshots stored before it was recorded.
   */
  at: z.number().nullable().default(null),
  target: z.object({ namespace: z.string(), deployment: z.string() }),
  severity: z.enum(["ok", "warning", "critical", "unknown"]),
  thresholds: z.object({ warningPercent: z.number(), criticalPercent: z.number() }),
  headline: z.string(),
  /** The worst pod by % of its limit. */
  peak: z
    .object({ pod: z.string(), percent: z.number(), workingSetBytes: bytes, limitBytes: bytes })
    .nullable(),
  trend: z.enum(["rising", "stable", "falling"]).nullable(),
  /** The leading cause, when one stands out (not "unknown"). */
  cause: z
    .object({
      id: z.string(),
      title: z.string(),
      confidence: z.enum(["high", "medium", "low"]),
      evidence: z.array(z.string()).max(3),
    })
    .nullable(),
  oomKills: count,
  restarts: count,
  heap: z
    .object({
      pod: z.string(),
      totalInuseBytes: z.number(),
      top: z.array(z.object({ function: z.string(), share: z.number() })).max(5),
    })
    .nullable(),
  /** Time to OOM of the soonest pod ("at this rate … in about 6 min (5–7 min)"), or "No pod is climbing." */
  forecast: z.string().nullable().optional(),
  /** What changed before the climb (the rollout, or that it predates any change). */
  change: z.string().nullable().optional(),
  /** Remediations the diagnosis proposed (advice excluded). */
  actions: z.array(z.object({ kind: z.string(), title: z.string() })).max(10),
  pods: z.array(SnapshotPod).max(SNAPSHOT_MAX_PODS),
  error: z.string().nullable(),
});
export type DiagnosisSnapshot = z.infer<typeof DiagnosisSnapshot>;

const CLIP = 300;
const clipText = (text: string) => (text.length > CLIP ? `${text.slice(0, CLIP - 1)}…` : text);
const nullableClip = (text: string | null) => (text === null ? null : clipText(text));

function podOf(row: Diagnosis["pods"][number]): SnapshotPod {
  const metrics = row.probe?.metrics ?? null;
  return {
    uid: row.uid,
    name: row.name,
    workingSetBytes: row.memory.workingSetBytes,
    percent: row.memory.percentOfLimit,
    limitBytes: row.memory.limitBytes,
    restarts: row.restarts,
    metrics: metrics
      ? Object.fromEntries(Object.entries(metrics).filter((e): e is [string, number] => e[1] !== null))
      : null,
  };
}

/** The snapshot of a diagnosis. Pure. */
export function toSnapshot(d: Diagnosis): DiagnosisSnapshot {
  const worst = d.pods.find((p) => p.memory.percentOfLimit !== null);
  const cause = d.causes.find((c) => c.id !== "unknown" && c.evidence.length > 0) ?? null;
  const heap = d.heap?.status === "captured" ? d.heap : null;
  return {
    version: 1,
    gatheredAt: d.gatheredAt,
    at: Date.parse(d.takenAt),
    target: { namespace: d.target.namespace, deployment: d.target.deployment },
    severity: d.severity,
    thresholds: { ...d.thresholds },
    headline: clipText(d.headline),
    peak:
      worst && worst.memory.percentOfLimit !== null
        ? {
            pod: worst.name,
            percent: worst.memory.percentOfLimit,
            workingSetBytes: worst.memory.workingSetBytes,
            limitBytes: worst.memory.limitBytes,
          }
        : null,
    trend: d.trend?.direction ?? null,
    cause: cause
      ? {
          id: cause.id,
          title: clipText(cause.title),
          confidence: cause.confidence,
          evidence: cause.evidence.slice(0, 3).map((e) => clipText(e.text)),
        }
      : null,
    oomKills: d.oomKills.reduce((n, k) => n + Math.max(1, k.count), 0),
    restarts: d.pods.reduce((n, p) => n + p.restarts, 0),
    heap: heap
      ? {
          pod: heap.pod,
          totalInuseBytes: heap.summary.totalInuseBytes,
          top: heap.summary.top.slice(0, 5).map((s) => ({ function: clipText(s.function), share: s.share })),
        }
      : null,
    forecast: nullableClip(
      forecastHeadline(d.foresight, clocksDiffer(Date.parse(d.takenAt), Date.parse(d.gatheredAt))),
    ),
    change: nullableClip(changeSentence(d.foresight?.change)),
    actions: d.actions
      .filter((a) => a.kind !== "advice")
      .slice(0, 10)
      .map((a) => ({ kind: a.kind, title: clipText(a.title) })),
    pods: d.pods.slice(0, SNAPSHOT_MAX_PODS).map(podOf),
    error: d.error ? clipText(`${d.error.code}: ${d.error.message}`) : null,
  };
}

/** Parses a stored snapshot; null when it is not one (an older or foreign shape). */
export function parseSnapshot(value: unknown): DiagnosisSnapshot | null {
  const parsed = DiagnosisSnapshot.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const fullMetrics = (partial: Partial<Record<string, number>>): AppMetrics =>
  Object.fromEntries(APP_METRIC_KEYS.map((k) => [k, partial[k] ?? null])) as AppMetrics;

/** What runDiagnosis({ previous }) needs, from a snapshot. Pure. */
export function toPrevious(s: DiagnosisSnapshot): PreviousDiagnosis {
  return {
    gatheredAt: s.gatheredAt,
    pods: s.pods.map((p) => ({
      uid: p.uid,
      name: p.name,
      memory: { workingSetBytes: p.workingSetBytes, percentOfLimit: p.percent },
      probe: p.metrics ? { metrics: fullMetrics(p.metrics) } : null,
    })),
  };
}
