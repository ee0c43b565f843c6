export type { ChartEvent, MemoryChartInput, MemoryPoint, MemorySeries } from "../../samples/chart-types.ts";
export { DEFAULT_MAX_POINTS, downsampleMax } from "./downsample.ts";
export { memoryChartPng, memoryChartSvg, type PngOptions, svgToPng } from "./memory-chart.ts";
export { memoryChartOption } from "./memory-chart-option.ts";
