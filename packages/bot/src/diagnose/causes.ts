// Ranks the runbook's common causes by the evidence the pods give, with every number shown.
// Generic: the rules (which gauge, which heap frames, what is high) come from the runbook. Pure.
import { type CauseRule, EVIDENCE_POINTS, SCORING } from "../runbooks/high-memory/causes.ts";
import { formatBytes, formatCount, formatDuration, formatPercent, formatRatio } from "./format.ts";
import { logEvidence } from "./log-evidence.ts";
import type { LogReport } from "./logs/types.ts";
import { compareByMemory } from "./memory.ts";
import { median, pearson } from "./stats.ts";
import type {
  AppMetricKey,
  Confidence,
  Evidence,
  HeapSummary,
  PodRow,
  PreviousDiagnosis,
  RankedCause,
  SeverityOrUnknown,
} from "./types.ts";

export type CauseInput = {
  rows: readonly PodRow[];
  heap: { pod: string; summary: HeapSummary } | null;
  previous: PreviousDiagnosis | null;
  nowMs: number;
  metricNames: Record<AppMetricKey, string>;
  rules: readonly CauseRule[];
  severity: SeverityOrUnknown;
  oomKills: number;
  /** The worst pods' logs (null: not read). */
  logs?: LogReport | null;
};

type Sample = { row: PodRow; value: number; metrics: NonNullable<NonNullable<PodRow["probe"]>["metrics"]> };

const BYTE_METRICS: ReadonlySet<AppMetricKey> = new Set([
  "outputBuffered",
  "cacheBytes",
  "heapInuse",
  "heapAlloc",
  "residentMemory",
]);

export function formatMetric(key: AppMetricKey, value: number | null): string {
  return BYTE_METRICS.has(key) ? formatBytes(value) : formatCount(value);
}

export function confidenceFor(score: number): Confidence {
  if (score >= SCORING.highConfidence) return "high";
  if (score >= SCORING.mediumConfidence) return "medium";
  return "low";
}

export type HeapAttribution = {
  share: number;
  bytes: number;
  /** The recognised frame of the largest site, and that site's leaf function. */
  frame: string;
  leaf: string;
  siteBytes: number;
};

/** Which rule each heap site belongs to: the leaf-most frame any rule recognises. */
export function attributeHeap(
  summary: HeapSummary,
  rules: readonly CauseRule[],
): Map<string, HeapAttribution> {
  const compiled = rules.map((r) => ({ id: r.id, res: r.pprof.map((p) => new RegExp(p)) }));
  const out = new Map<string, HeapAttribution>();
  for (const site of summary.top) {
    let match: { id: string; frame: string } | undefined;
    for (const frame of [site.function, site.file ?? "", ...site.stack]) {
      const rule = compiled.find((c) => c.res.some((re) => re.test(frame)));
      if (rule) {
        match = { id: rule.id, frame: frame === site.file ? site.function : frame };
        break;
      }
    }
    if (!match) continue;
    const sofar = out.get(match.id);
    const larger = !sofar || site.inuseBytes > sofar.siteBytes;
    out.set(match.id, {
      share: (sofar?.share ?? 0) + site.share,
      bytes: (sofar?.bytes ?? 0) + site.inuseBytes,
      frame: larger ? match.frame : (sofar?.frame ?? match.frame),
      leaf: larger ? site.function : (sofar?.leaf ?? site.function),
      siteBytes: larger ? site.inuseBytes : (sofar?.siteBytes ?? site.inuseBytes),
    });
  }
  return out;
}

function scoreRule(
  rule: CauseRule,
  input: CauseInput,
  samples: Sample[],
  heapShares: Map<string, HeapAttribution>,
) {
  const names = input.metricNames;
  const metricName = names[rule.metric];
  const primary: Evidence[] = [];
  const supporting: Evidence[] = [];
  const focus = samples[0];
  if (focus) {
    const pod = focus.row.name;
    const v = focus.value;
    const peers = samples.slice(1).map((s) => s.value);
    const peerMedian = median(peers);
    if (peerMedian !== null && v >= rule.floor && v >= SCORING.outlierRatio * peerMedian) {
      const ratio = peerMedian > 0 ? ` (${formatRatio(v / peerMedian)})` : "";
      primary.push({
        kind: "outlier",
        text: `${metricName} ${formatMetric(rule.metric, v)} on ${pod} vs ${formatMetric(rule.metric, peerMedian)} on its peers${ratio}`,
        terms: [metricName, pod],
        points: EVIDENCE_POINTS.outlier,
      });
    }
    primary.push(...absoluteEvidence(rule, focus, samples, names));
    const heapInuse = focus.metrics.heapInuse;
    const share = rule.heapShare;
    const bytes = share ? focus.metrics[share.metric] : null;
    if (
      share &&
      bytes !== null &&
      heapInuse !== null &&
      heapInuse > 0 &&
      bytes / heapInuse >= SCORING.heapShare
    ) {
      (share.standalone ? primary : supporting).push({
        kind: "heap-share",
        text: `${names[share.metric]} ${formatBytes(bytes)} = ${formatPercent((bytes / heapInuse) * 100)} of ${names.heapInuse} (${formatBytes(heapInuse)}) on ${pod}`,
        terms: [names[share.metric], names.heapInuse, pod],
        points: EVIDENCE_POINTS.heapShare,
      });
    }
    const paired = samples.filter((s) => s.row.memory.workingSetBytes !== null);
    if (paired.length >= SCORING.minPodsForCorrelation) {
      const r = pearson(
        paired.map((s) => s.value),
        paired.map((s) => s.row.memory.workingSetBytes as number),
      );
      if (r !== null && r >= SCORING.correlation) {
        supporting.push({
          kind: "correlation",
          text: `${metricName} rises with memory across ${paired.length} pods (r = ${r.toFixed(2)})`,
          terms: [metricName],
          points: EVIDENCE_POINTS.correlation,
        });
      }
    }
    if (rule.companion) supporting.push(...companionEvidence(rule, rule.companion, samples, names));
    supporting.push(...growthEvidence(rule, focus, input, metricName));
  }
  const heap = heapShares.get(rule.id);
  if (input.heap && heap && heap.share >= SCORING.pprofShare) {
    const leaf = heap.leaf === heap.frame ? "" : ` (in ${heap.leaf})`;
    primary.push({
      kind: "pprof-site",
      text: `heap profile of ${input.heap.pod}: ${formatPercent(heap.share * 100)} of in-use heap (${formatBytes(heap.bytes)}) allocated under ${heap.frame}${leaf}`,
      terms: [input.heap.pod, heap.frame, heap.leaf],
      points: heap.share >= SCORING.pprofShareHigh ? EVIDENCE_POINTS.pprofHigh : EVIDENCE_POINTS.pprof,
    });
  }
  const fromLogs = logEvidence(rule, input.logs ?? null, input.rows, names);
  primary.push(...fromLogs.primary);
  supporting.push(...fromLogs.supporting);
  const evidence = primary.length > 0 ? [...primary, ...supporting] : [];
  const score = Math.min(1, Math.round(evidence.reduce((a, e) => a + e.points, 0) * 100) / 100);
  return {
    id: rule.id,
    title: rule.title,
    score,
    confidence: confidenceFor(score),
    evidence,
    runbookSection: rule.runbookSection,
  } satisfies RankedCause;
}

function absoluteEvidence(
  rule: CauseRule,
  focus: Sample,
  samples: Sample[],
  names: Record<AppMetricKey, string>,
): Evidence[] {
  const key = rule.high.metric ?? rule.metric;
  const per = rule.high.per;
  const levelOf = (s: Sample) => {
    const v = s.metrics[key];
    if (v === null) return null;
    if (!per) return v;
    const d = s.metrics[per.metric];
    return d === null || d <= 0 ? null : v / d;
  };
  const v = levelOf(focus);
  if (v === null || v < rule.high.value) return [];
  const all = samples.map(levelOf).filter((x): x is number => x !== null);
  const across = all.length > 1 ? `; median across ${all.length} pods ${formatMetric(key, median(all))}` : "";
  const unit = per ? ` per ${per.label}` : "";
  const what = per
    ? `${names[key]} ${formatMetric(key, focus.metrics[key])} over ${formatCount(focus.metrics[per.metric])} ${names[per.metric]} = ${formatMetric(key, v)}${unit}`
    : `${names[key]} ${formatMetric(key, v)}`;
  return [
    {
      kind: "absolute",
      text: `${what} on ${focus.row.name}, above the ${formatMetric(key, rule.high.value)}${unit} the runbook treats as high${across}`,
      terms: [names[key], ...(per ? [names[per.metric]] : []), focus.row.name],
      points: EVIDENCE_POINTS.absolute,
    },
  ];
}

function companionEvidence(
  rule: CauseRule,
  companion: AppMetricKey,
  samples: Sample[],
  names: Record<AppMetricKey, string>,
): Evidence[] {
  const withCompanion = samples.filter((s) => s.metrics[companion] !== null);
  const focus = withCompanion[0];
  if (!focus || focus !== samples[0]) return [];
  const c = focus.metrics[companion] as number;
  const peerMedian = median(withCompanion.slice(1).map((s) => s.metrics[companion] as number));
  const r =
    withCompanion.length >= SCORING.minPodsForCorrelation
      ? pearson(
          withCompanion.map((s) => s.value),
          withCompanion.map((s) => s.metrics[companion] as number),
        )
      : null;
  const outlier = peerMedian !== null && peerMedian > 0 && c >= (SCORING.outlierRatio / 2) * peerMedian;
  if (!outlier && !(r !== null && r >= SCORING.correlation)) return [];
  const vs = peerMedian !== null ? ` (${formatCount(c)} vs ${formatCount(peerMedian)})` : "";
  const corr = r !== null ? `, r = ${r.toFixed(2)}` : "";
  return [
    {
      kind: "companion",
      text: `${names[companion]} tracking ${names[rule.metric]}${vs}${corr}`,
      terms: [names[companion], names[rule.metric]],
      points: EVIDENCE_POINTS.companion,
    },
  ];
}

function growthEvidence(rule: CauseRule, focus: Sample, input: CauseInput, metricName: string): Evidence[] {
  if (!input.previous) return [];
  const before = input.previous.pods.find((p) => p.uid === focus.row.uid)?.probe?.metrics?.[rule.metric];
  if (before === undefined || before === null) return [];
  const grew = focus.value >= before * SCORING.growthRatio && focus.value - before >= rule.floor;
  if (!grew) return [];
  const since = formatDuration(input.nowMs - Date.parse(input.previous.gatheredAt));
  return [
    {
      kind: "growth",
      text: `${metricName} on ${focus.row.name} rose ${formatMetric(rule.metric, before)} → ${formatMetric(rule.metric, focus.value)} in ${since}`,
      terms: [metricName, focus.row.name],
      points: EVIDENCE_POINTS.growth,
    },
  ];
}

/** Every cause with evidence, best first; "unknown" (or "nothing to explain") first when no cause stands out. */
export function rankCauses(input: CauseInput): RankedCause[] {
  const probed = [...input.rows].filter((r) => r.probe?.metrics).sort(compareByMemory);
  const heapShares = input.heap
    ? attributeHeap(input.heap.summary, input.rules)
    : new Map<string, HeapAttribution>();
  const scored = input.rules
    .map((rule) => {
      const samples = probed
        .filter((r) => r.probe?.metrics?.[rule.metric] != null)
        .map((row) => {
          const metrics = row.probe?.metrics as Sample["metrics"];
          return { row, metrics, value: metrics[rule.metric] as number };
        });
      return scoreRule(rule, input, samples, heapShares);
    })
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  const healthy = (input.severity === "ok" || input.severity === "unknown") && input.oomKills === 0;
  // A cause that stands out is shown first even while memory is still fine: an emerging leak is
  // worth knowing before the alert fires.
  if (best && best.score >= SCORING.minScore) return scored;
  return [unknownCause(input, probed.length, best, healthy), ...scored];
}

function unknownCause(
  input: CauseInput,
  probedWithMetrics: number,
  best: RankedCause | undefined,
  healthy: boolean,
): RankedCause {
  const worst = [...input.rows].sort(compareByMemory)[0];
  let text: string;
  if (healthy && input.severity === "ok") {
    text = `Memory is within limits (worst pod ${worst?.name ?? "?"} at ${formatPercent(worst?.memory.percentOfLimit ?? null)}) and no OOM kills: nothing to explain.`;
  } else if (probedWithMetrics === 0) {
    text = "No pod's /metrics could be read, so no cause can be weighed; see the unavailable rows.";
  } else if (best) {
    text = `No cause stands out: the strongest, ${best.title}, scores ${best.score.toFixed(2)} (below ${SCORING.minScore}). Capture a heap profile.`;
  } else {
    text = `None of the runbook's causes shows in the metrics of ${probedWithMetrics} pod(s). Capture a heap profile.`;
  }
  return {
    id: "unknown",
    title: healthy && input.severity === "ok" ? "Nothing to explain" : "Unknown",
    score: 0,
    confidence: "low",
    evidence: [{ kind: "none", text, points: 0, terms: worst ? [worst.name] : [] }],
    runbookSection: null,
  };
}
