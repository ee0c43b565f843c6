import { readFileSync } from "node:fs";
import { fontMetrics } from "@rdev/bot/render/charts/font-metrics.ts";
import { bundledFontFiles } from "@rdev/bot/render/charts/fonts.ts";
import { legendRows, type MeasureText } from "@rdev/bot/render/charts/legend.ts";
import { memoryChartSvg } from "@rdev/bot/render/charts/memory-chart.ts";
import { describe, expect, it } from "vitest";
import { svgTexts } from "./svg.ts";

/** Every character 10 px wide: an item is 18 + 5 + 10 x length. */
const tenPx: MeasureText = (text) => text.length * 10;

describe("legendRows", () => {
  it("needs no row without pods", () => expect(legendRows([], 960, tenPx)).toBe(0));

  it("wraps exactly where the next item would pass the available width", () => {
    // Available: 400 - 32 = 368. Items of 10 chars: 123 px, gaps of 16: 123 + 16 + 123 = 262, + 16 + 123 = 401.
    const names = Array.from({ length: 6 }, (_, i) => `pod-name-${i}`);
    expect(legendRows(names.slice(0, 2), 400, tenPx)).toBe(1);
    expect(legendRows(names.slice(0, 3), 400, tenPx)).toBe(2);
    expect(legendRows(names, 400, tenPx)).toBe(3);
    expect(legendRows(names, 2000, tenPx)).toBe(1);
  });

  it("puts an over-long name on a row of its own rather than looping", () => {
    expect(legendRows(["x".repeat(200), "y"], 400, tenPx)).toBe(2);
  });

  it("agrees with the rows ECharts draws with the bundled font", () => {
    const regular = fontMetrics(readFileSync(bundledFontFiles()[0] ?? ""));
    const pods = Array.from({ length: 10 }, (_, i) => `rdev-api-7d9f8b6c5d-${"bcdfghjklm"[i]}${i}x4q`);
    const series = pods.map((pod) => ({
      pod,
      points: [
        { t: 0, bytes: 1 },
        { t: 60_000, bytes: 2 },
      ],
    }));
    for (const width of [640, 960, 1400]) {
      const svg = memoryChartSvg({
        title: "t",
        series,
        limitBytes: null,
        warningPercent: 80,
        width,
        height: 480,
      });
      const legendYs = new Set(
        svgTexts(svg)
          .filter((t) => pods.includes(t.text))
          .map((t) => t.y),
      );
      expect(legendRows(pods, width, regular.width), `width ${width}`).toBe(legendYs.size);
    }
  });
});
