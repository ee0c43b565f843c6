// The runbook's log greps as cause evidence: stuck SSE connections (matched against the pod's
// sse_connections_active), runaway commands named by their output lines, many commands running at
// once. Pure; the points come from the runbook (EVIDENCE_POINTS.logMatch, logSupport).
import { type CauseRule, EVIDENCE_POINTS } from "../runbooks/high-memory/causes.ts";
import { describeCommand } from "../runbooks/high-memory/logs.ts";
import { formatCount, formatDuration, formatPercent } from "./format.ts";

export { describeCommand };

import type { LogReport, PodLogReport } from "./logs/types.ts";
import { median } from "./stats.ts";
import type { AppMetricKey, Evidence, PodRow } from "./types.ts";

export type LogEvidence = { primary: Evidence[]; supporting: Evidence[] };

const NONE: LogEvidence = { primary: [], supporting: [] };

/** The stuck-connection evidence of one pod, or null when its log shows none. */
function sseEvidence(
  p: PodLogReport,
  rows: readonly PodRow[],
  rule: CauseRule,
  names: Record<AppMetricKey, string>,
): { evidence: Evidence; matches: boolean } | null {
  const sse = p.sse;
  if (!sse || sse.stuck < rule.floor) return null;
  const metric = names.sse;
  const row = rows.find((r) => r.uid === p.uid);
  const gauge = row?.probe?.metrics?.sse ?? null;
  const peers = rows
    .filter((r) => r.uid !== p.uid)
    .map((r) => r.probe?.metrics?.sse)
    .filter((v): v is number => typeof v === "number");
  const baseline = median(peers) ?? 0;
  const excess = gauge === null ? null : gauge - baseline;
  const ratio = excess !== null && excess > 0 ? sse.stuck / excess : null;
  const matches = ratio !== null && ratio >= 0.5 && ratio <= 1.5;
  const clients = sse.stuckClients
    .slice(0, 3)
    .map((c) => c.client)
    .join(", ");
  const ua = sse.stuckClients[0]?.userAgent;
  const oldest = sse.stuckClients.reduce((a, c) => Math.max(a, c.oldestAgeMs ?? 0), 0);
  const window = p.window?.fromStart
    ? "since the container started"
    : `in the last ${formatDuration(windowMs(p))} of log`;
  const against =
    gauge === null
      ? ""
      : matches
        ? `; they account for ${formatPercent((ratio ?? 0) * 100)} of ${metric} ${formatCount(gauge)} above its peers' ${formatCount(baseline)}`
        : `; ${metric} is ${formatCount(gauge)} (peers ${formatCount(baseline)})`;
  return {
    matches,
    evidence: {
      kind: "log",
      text: `log of ${p.pod}: ${formatCount(sse.stuck)} SSE connections opened and never closed ${window} by ${sse.stuckClients.length} client(s) (${clients}${ua ? `, ${ua}` : ""}), oldest ${formatDuration(oldest)}${against}`,
      terms: [p.pod, metric],
      points: matches ? EVIDENCE_POINTS.logMatch : EVIDENCE_POINTS.logSupport,
    },
  };
}

function windowMs(p: PodLogReport): number {
  const w = p.window;
  if (!w?.fromAt || !w.toAt) return 0;
  return Date.parse(w.toAt) - Date.parse(w.fromAt);
}

export function logEvidence(
  rule: CauseRule,
  logs: LogReport | null,
  rows: readonly PodRow[],
  names: Record<AppMetricKey, string>,
): LogEvidence {
  if (!logs) return NONE;
  const pods = logs.pods.filter((p) => p.error === null);
  if (rule.id === "sse-leak") {
    const found = pods
      .map((p) => sseEvidence(p, rows, rule, names))
      .filter((e): e is NonNullable<typeof e> => e !== null)
      .sort((a, b) => Number(b.matches) - Number(a.matches))[0];
    if (!found) return NONE;
    return found.matches
      ? { primary: [found.evidence], supporting: [] }
      : { primary: [], supporting: [found.evidence] };
  }
  if (rule.id === "large-output") {
    const p = pods.find((x) => (x.commands?.runaway.length ?? 0) > 0);
    const runaway = p?.commands?.runaway ?? [];
    if (!p || runaway.length === 0) return NONE;
    const largest = p.commands?.largestFinishedLines;
    const vs =
      largest !== null && largest !== undefined
        ? `; the largest finished command wrote ${formatCount(largest)}`
        : "; none finished in the window";
    return {
      primary: [
        {
          kind: "log",
          text: `log of ${p.pod}: ${runaway.length} runaway command(s) still writing: ${runaway.slice(0, 3).map(describeCommand).join("; ")}${vs}`,
          terms: [p.pod, ...runaway.slice(0, 3).map((c) => c.id)],
          points: EVIDENCE_POINTS.logMatch,
        },
      ],
      supporting: [],
    };
  }
  if (rule.id === "many-commands") {
    const p = [...pods].sort((a, b) => (b.commands?.running ?? 0) - (a.commands?.running ?? 0))[0];
    const c = p?.commands;
    if (!p || !c || c.running < rule.high.value) return NONE;
    return {
      primary: [],
      supporting: [
        {
          kind: "log",
          text: `log of ${p.pod}: ${formatCount(c.running)} commands running at once (started, not finished), ${formatCount(c.started)} started in ${formatDuration(windowMs(p))}`,
          terms: [p.pod],
          points: EVIDENCE_POINTS.logSupport,
        },
      ],
    };
  }
  return NONE;
}
