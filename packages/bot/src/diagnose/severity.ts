// Severity and trend: the runbook's "memory exceeds 80% / is critical (>95%)" as pure functions.
import type { PodRow, Severity, SeverityOrUnknown, Trend, TrendDirection } from "./types.ts";

export type Thresholds = { warningPercent: number; criticalPercent: number };

const RANK: Record<SeverityOrUnknown, number> = { unknown: 0, ok: 1, warning: 2, critical: 3 };

/** ok up to and including the warning percent, warning above it, critical above the critical percent. */
export function severityForPercent(percent: number | null, t: Thresholds): SeverityOrUnknown {
  if (percent === null || !Number.isFinite(percent)) return "unknown";
  if (percent > t.criticalPercent) return "critical";
  if (percent > t.warningPercent) return "warning";
  return "ok";
}

/** The worst of several severities; "unknown" only when nothing is known. */
export function worstSeverity(severities: readonly SeverityOrUnknown[]): SeverityOrUnknown {
  let worst: SeverityOrUnknown = "unknown";
  for (const s of severities) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}

/** Raises a severity to at least `floor` (a recent OOM kill makes a pod at least "warning"). */
export function atLeast(s: SeverityOrUnknown, floor: Severity): SeverityOrUnknown {
  return RANK[s] >= RANK[floor] ? s : floor;
}

export function compareSeverity(a: SeverityOrUnknown, b: SeverityOrUnknown): number {
  return RANK[a] - RANK[b];
}

/** rising / stable / falling by a change in percentage points (or relative bytes when no limit). */
export function trendDirection(
  deltaPoints: number | null,
  deltaBytes: number,
  previousBytes: number,
  tolerancePoints: number,
): TrendDirection {
  if (deltaPoints !== null) {
    if (deltaPoints > tolerancePoints) return "rising";
    if (deltaPoints < -tolerancePoints) return "falling";
    return "stable";
  }
  if (previousBytes <= 0) return deltaBytes > 0 ? "rising" : "stable";
  const relative = (deltaBytes / previousBytes) * 100;
  if (relative > tolerancePoints) return "rising";
  if (relative < -tolerancePoints) return "falling";
  return "stable";
}

type MemoryPoint = Pick<PodRow, "uid" | "name"> & {
  memory: { workingSetBytes: number | null; percentOfLimit: number | null };
};

/** One pod's trend against its previous row (matched by UID: a replacement pod starts afresh). */
export function podTrend(
  current: MemoryPoint,
  previous: readonly MemoryPoint[],
  sinceMs: number,
  tolerancePoints: number,
): Trend | null {
  const before = previous.find((p) => p.uid === current.uid);
  const now = current.memory.workingSetBytes;
  const then = before?.memory.workingSetBytes ?? null;
  if (!before || now === null || then === null) return null;
  const a = before.memory.percentOfLimit;
  const b = current.memory.percentOfLimit;
  const deltaPoints = a !== null && b !== null ? round1(b - a) : null;
  const deltaBytes = now - then;
  return {
    direction: trendDirection(deltaPoints, deltaBytes, then, tolerancePoints),
    deltaPercentPoints: deltaPoints,
    deltaBytes,
    sinceMs,
  };
}

/**
 * The workload's trend: mean change of the pods present in both snapshots; when every pod was
 * replaced, the change of the mean over all pods (a restart that freed memory reads "falling").
 */
export function overallTrend(
  current: readonly MemoryPoint[],
  previous: readonly MemoryPoint[],
  sinceMs: number,
  tolerancePoints: number,
): Trend | null {
  const pairs = current
    .map((c) => [c, previous.find((p) => p.uid === c.uid)] as const)
    .filter(
      (pair): pair is readonly [MemoryPoint, MemoryPoint] =>
        pair[1] !== undefined &&
        pair[0].memory.workingSetBytes !== null &&
        pair[1].memory.workingSetBytes !== null,
    );
  const [nowSet, thenSet] =
    pairs.length > 0 ? [pairs.map((p) => p[0]), pairs.map((p) => p[1])] : [current, previous];
  const nowBytes = meanOf(nowSet.map((p) => p.memory.workingSetBytes));
  const thenBytes = meanOf(thenSet.map((p) => p.memory.workingSetBytes));
  if (nowBytes === null || thenBytes === null) return null;
  const nowPct = meanOf(nowSet.map((p) => p.memory.percentOfLimit));
  const thenPct = meanOf(thenSet.map((p) => p.memory.percentOfLimit));
  const deltaPoints = nowPct !== null && thenPct !== null ? round1(nowPct - thenPct) : null;
  const deltaBytes = Math.round(nowBytes - thenBytes);
  return {
    direction: trendDirection(deltaPoints, deltaBytes, thenBytes, tolerancePoints),
    deltaPercentPoints: deltaPoints,
    deltaBytes,
    sinceMs,
  };
}

function meanOf(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  return known.reduce((a, b) => a + b, 0) / known.length;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
