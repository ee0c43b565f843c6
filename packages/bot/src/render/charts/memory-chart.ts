// Server-side rendering of the memory chart: ECharts' SVG SSR (no browser, no DOM) to an SVG
// string, and resvg to a PNG for Slack file uploads.
import { readFileSync } from "node:fs";
import { Resvg } from "@resvg/resvg-js";
import * as echarts from "echarts/core";
// Each part from its own module: "echarts/charts" and "echarts/components" load every chart and
// component there is (the worker's RSS at rest: 86 MiB of ECharts that way, 49 MiB this way).
import { install as LineChart } from "echarts/lib/chart/line/install.js";
import { install as GridComponent } from "echarts/lib/component/grid/install.js";
import { install as LegendComponent } from "echarts/lib/component/legend/install.js";
import { install as MarkLineComponent } from "echarts/lib/component/marker/installMarkLine.js";
import { install as TitleComponent } from "echarts/lib/component/title/install.js";
import { install as SVGRenderer } from "echarts/lib/renderer/installSVGRenderer.js";
import type { MemoryChartInput } from "../../samples/chart-types.ts";
import { DEFAULT_MAX_POINTS } from "./downsample.ts";
import { type FontMetrics, fontMetrics, parseCssFont } from "./font-metrics.ts";
import { bundledFontFiles, CHART_FONT_FAMILY } from "./fonts.ts";
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, memoryChartOption } from "./memory-chart-option.ts";

echarts.use([LineChart, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, SVGRenderer]);

let regularMetrics: FontMetrics | null = null;

/**
 * Once per process: ECharts measures text with the bundled font's metrics (see font-metrics.ts).
 * Returns the regular face's widths for the legend layout.
 */
function measureWithBundledFont(): FontMetrics {
  if (regularMetrics) return regularMetrics;
  const [regular, bold] = bundledFontFiles().map((file) => fontMetrics(readFileSync(file)));
  if (!regular || !bold) throw new Error("the bundled chart fonts are missing");
  echarts.setPlatformAPI({
    measureText: (text: string, font?: string) => {
      const { sizePx, bold: isBold } = parseCssFont(font);
      return { width: (isBold ? bold : regular).width(text, sizePx) };
    },
  });
  regularMetrics = regular;
  return regular;
}

function size(input: MemoryChartInput): { width: number; height: number } {
  const width = input.width ?? DEFAULT_WIDTH;
  const height = input.height ?? DEFAULT_HEIGHT;
  for (const [name, v] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (!Number.isInteger(v) || v < 200 || v > 4000)
      throw new RangeError(`chart ${name} must be a whole number of pixels from 200 to 4000 (got ${v})`);
  }
  return { width, height };
}

/** The chart as a standalone SVG document. */
export function memoryChartSvg(input: MemoryChartInput, maxPoints = DEFAULT_MAX_POINTS): string {
  const { width, height } = size(input);
  const metrics = measureWithBundledFont();
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(memoryChartOption({ ...input, width, height }, { maxPoints, measure: metrics.width }));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export type PngOptions = {
  /** TTF/OTF files to draw text with; default: the bundled DejaVu Sans. */
  fontFiles?: string[];
  /** Also load the machine's fonts (slower; default false). */
  loadSystemFonts?: boolean;
};

/** The SVG rendered to a PNG of exactly width x height pixels. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "original" },
    background: "#ffffff",
    font: {
      fontFiles: options.fontFiles ?? bundledFontFiles(),
      loadSystemFonts: options.loadSystemFonts ?? false,
      defaultFontFamily: CHART_FONT_FAMILY,
      sansSerifFamily: CHART_FONT_FAMILY,
    },
  });
  return resvg.render().asPng();
}

export function memoryChartPng(input: MemoryChartInput, options: PngOptions = {}): Buffer {
  return svgToPng(memoryChartSvg(input), options);
}
