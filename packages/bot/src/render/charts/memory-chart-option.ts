// The ECharts option for a memory chart: one line per pod (MiB over UTC time), the limit and the
// warning/critical thresholds as horizontal lines, events as labelled vertical markers. Pure: the
// renderer (memory-chart.ts) only hands it to ECharts. Every label is a function formatter, so a
// pod name or event label is never read as an ECharts template ("{b}") or rich text.
import type { EChartsOption, LineSeriesOption } from "echarts";
import type { MemoryChartInput, MemoryPoint } from "../../samples/chart-types.ts";
import { formatBytes } from "../../units/format.ts";
import { DEFAULT_MAX_POINTS, downsampleMax } from "./downsample.ts";
import { approximateWidth, legendRows, type MeasureText } from "./legend.ts";
import { MiB, mibLabel, timeLabel, yAxisScale } from "./scale.ts";
import { COLORS, FONT_FAMILY, LEGEND, PALETTE } from "./theme.ts";

export const DEFAULT_WIDTH = 960;
export const DEFAULT_HEIGHT = 480;

/** The threshold and event marker series is named this (it has no legend entry). */
export const ANNOTATIONS_SERIES = "\u200bannotations";

/** Labels on lines get a white box so a pod's line crossing them does not garble the text. */
const LABEL_BOX = { backgroundColor: "rgba(255,255,255,0.85)", padding: [1, 3], borderRadius: 2 };

const toMiB = (bytes: number) => Math.round((bytes / MiB) * 100) / 100;

/** Where a threshold's label sits: "insideEndTop" is above the line at its right end. */
type LabelPosition = "insideEndTop" | "insideStartBottom";
type Line = { value: number; color: string; dashed: boolean; text: string; position: LabelPosition };

function thresholdLines(input: MemoryChartInput): Line[] {
  const limit = input.limitBytes;
  if (limit === null || !(limit > 0)) return [];
  const at = (percent: number) => (limit * percent) / 100;
  const lines: Line[] = [
    {
      value: limit,
      color: COLORS.limit,
      dashed: false,
      text: `limit ${formatBytes(limit)}`,
      position: "insideEndTop",
    },
    {
      value: at(input.warningPercent),
      color: COLORS.warning,
      dashed: true,
      text: `${input.warningPercent}% ${formatBytes(at(input.warningPercent))}`,
      position: "insideEndTop",
    },
  ];
  if (input.criticalPercent !== undefined) {
    lines.push({
      value: at(input.criticalPercent),
      color: COLORS.critical,
      dashed: true,
      text: `${input.criticalPercent}% ${formatBytes(at(input.criticalPercent))}`,
      // Left and under its line: at the right end it would collide with the limit's and the 80% label.
      position: "insideStartBottom",
    });
  }
  return lines;
}

function extent(values: readonly number[]): { min: number; max: number } | null {
  if (values.length === 0) return null;
  return { min: Math.min(...values), max: Math.max(...values) };
}

function validRange(range: MemoryChartInput["range"]): { min: number; max: number } | null {
  if (!range) return null;
  const { startMs, endMs } = range;
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs <= startMs)
    throw new RangeError(`chart range must have startMs < endMs (got ${startMs}..${endMs})`);
  return { min: startMs, max: endMs };
}

export type OptionSettings = {
  /** Per series (default 300). */
  maxPoints?: number;
  /** Text widths for the legend layout (default: an estimate). */
  measure?: MeasureText;
};

export function memoryChartOption(input: MemoryChartInput, settings: OptionSettings = {}): EChartsOption {
  const maxPoints = settings.maxPoints ?? DEFAULT_MAX_POINTS;
  const width = input.width ?? DEFAULT_WIDTH;
  const range = validRange(input.range);
  const inRange = (t: number) => Number.isFinite(t) && (!range || (t >= range.min && t <= range.max));
  const pods = input.series.map((s) => ({
    pod: s.pod,
    points: downsampleMax(
      s.points.filter((p) => inRange(p.t)),
      maxPoints,
    ),
  }));
  const events = (input.events ?? []).filter((e) => inRange(e.t));
  const lines = thresholdLines(input);
  const all: MemoryPoint[] = pods.flatMap((s) => s.points);
  const times = range ?? extent([...all.map((p) => p.t), ...events.map((e) => e.t)]);
  const span = times ? times.max - times.min : 0;
  const highest = Math.max(0, ...all.map((p) => p.bytes / MiB), ...lines.map((l) => l.value / MiB));
  const y = yAxisScale(highest);
  const names = pods.map((s) => s.pod);
  const rows = legendRows(names, width, settings.measure ?? approximateWidth);
  const notes = [
    input.subtitle,
    all.length === 0 ? "no memory samples in this window" : null,
    input.limitBytes === null ? "no memory limit set" : null,
  ].filter((n): n is string => typeof n === "string" && n.length > 0);

  const podSeries: LineSeriesOption[] = pods.map((s, i) => ({
    type: "line",
    name: s.pod,
    data: s.points.map((p) => [p.t, toMiB(p.bytes)]),
    color: PALETTE[i % PALETTE.length],
    lineStyle: { width: 2 },
    symbol: "circle",
    symbolSize: 5,
    showSymbol: s.points.length <= 30,
    connectNulls: false,
    z: 3,
  }));
  const annotations: LineSeriesOption = {
    type: "line",
    name: ANNOTATIONS_SERIES,
    data: [],
    silent: true,
    z: 2,
    markLine: {
      silent: true,
      symbol: "none",
      animation: false,
      data: [
        ...lines.map((l) => ({
          name: l.text,
          yAxis: toMiB(l.value),
          lineStyle: {
            color: l.color,
            width: l.dashed ? 1.5 : 2,
            type: l.dashed ? ("dashed" as const) : ("solid" as const),
          },
          label: {
            formatter: () => l.text,
            position: l.position,
            color: l.color,
            fontSize: 13,
            fontWeight: "bold" as const,
            ...LABEL_BOX,
          },
        })),
        ...events.map((e) => ({
          name: e.label,
          xAxis: e.t,
          lineStyle: { color: COLORS.event, width: 1.5, type: "dashed" as const },
          label: {
            formatter: () => e.label,
            position: "insideEndTop" as const,
            color: COLORS.event,
            fontSize: 12,
            ...LABEL_BOX,
          },
        })),
      ],
    },
  };

  return {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: FONT_FAMILY, color: COLORS.text },
    color: [...PALETTE],
    title: {
      text: input.title,
      subtext: notes.join("  ·  "),
      left: 16,
      top: 10,
      textStyle: { fontSize: 18, fontWeight: "bold", color: COLORS.text },
      subtextStyle: { fontSize: 14, color: COLORS.muted },
    },
    legend: {
      show: names.length > 0,
      data: names,
      bottom: 8,
      left: LEGEND.sideMargin,
      right: LEGEND.sideMargin,
      icon: "roundRect",
      itemWidth: LEGEND.itemWidth,
      itemHeight: LEGEND.itemHeight,
      itemGap: LEGEND.itemGap,
      textStyle: { fontSize: LEGEND.fontSize, color: COLORS.text },
      formatter: (name: string) => name,
    },
    // outerBoundsMode "same": the axis labels stay inside this box (ECharts 6's containLabel).
    grid: {
      left: 16,
      right: 40,
      top: notes.length > 0 ? 84 : 60,
      bottom: 18 + rows * LEGEND.rowHeight,
      outerBoundsMode: "same",
      outerBoundsContain: "axisLabel",
    },
    xAxis: {
      type: "time",
      ...(times ? { min: times.min, max: times.max === times.min ? times.min + 60_000 : times.max } : {}),
      name: input.timeAxisName ?? "UTC",
      nameLocation: "end",
      nameGap: 6,
      nameTextStyle: { color: COLORS.muted, fontSize: 12, verticalAlign: "top", padding: [8, 0, 0, 0] },
      axisLabel: {
        fontSize: 13,
        color: COLORS.muted,
        hideOverlap: true,
        formatter: (value: number) => timeLabel(value, span),
      },
      axisLine: { lineStyle: { color: "#999999" } },
      splitLine: { show: false },
    },
    yAxis: {
      type: "value",
      min: 0,
      max: y.max,
      interval: y.interval,
      name: "MiB",
      nameTextStyle: { color: COLORS.muted, fontSize: 12, align: "right" },
      axisLabel: { fontSize: 13, color: COLORS.muted, formatter: (value: number) => mibLabel(value) },
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: [...podSeries, annotations],
  };
}
