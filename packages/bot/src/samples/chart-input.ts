// A MemoryHistory (from any source) as the memory chart's input. Pure.
import type { ChartEvent, MemoryChartInput } from "./chart-types.ts";

/** What an OOM-kill marker needs of a diagnosis' OomKill (a shape, so this folder stays below diagnostics). */
type OomKill = { pod: string | null; node: string | null; at: string | null };

import type { MemoryHistory } from "./types.ts";

export type ChartLabels = {
  title: string;
  subtitle?: string;
  timeAxisName?: string;
  warningPercent: number;
  criticalPercent?: number;
  /** More markers (OOM kills, actions taken); kept only when inside the history's window. */
  events?: ChartEvent[];
  width?: number;
  height?: number;
};

export function chartInputFromHistory(history: MemoryHistory, labels: ChartLabels): MemoryChartInput {
  const inWindow = (e: ChartEvent) => e.t >= history.startMs && e.t <= history.endMs;
  const events = [...history.events, ...(labels.events ?? []).filter(inWindow)].sort((a, b) => a.t - b.t);
  return {
    title: labels.title,
    ...(labels.subtitle === undefined ? {} : { subtitle: labels.subtitle }),
    ...(labels.timeAxisName === undefined ? {} : { timeAxisName: labels.timeAxisName }),
    series: history.series,
    limitBytes: history.limitBytes,
    warningPercent: labels.warningPercent,
    ...(labels.criticalPercent === undefined ? {} : { criticalPercent: labels.criticalPercent }),
    events,
    range: { startMs: history.startMs, endMs: history.endMs },
    ...(labels.width === undefined ? {} : { width: labels.width }),
    ...(labels.height === undefined ? {} : { height: labels.height }),
  };
}

/** "OOMKilled <pod>" markers for the kills a diagnosis found that have a time. */
export function oomKillEvents(kills: readonly OomKill[]): ChartEvent[] {
  return kills.flatMap((k) => {
    const t = k.at === null ? Number.NaN : Date.parse(k.at);
    return Number.isFinite(t) ? [{ t, label: `OOMKilled ${k.pod ?? k.node ?? "?"}` }] : [];
  });
}
