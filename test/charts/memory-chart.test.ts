import { memoryChartPng, memoryChartSvg } from "@rdev/bot/render/charts/memory-chart.ts";
import { COLORS, PALETTE } from "@rdev/bot/render/charts/theme.ts";
import type { MemoryChartInput, MemorySeries } from "@rdev/bot/samples/chart-types.ts";
import { describe, expect, it } from "vitest";
import { horizontalY, pngSize, svgPaths, svgTexts, vertexCount, verticalX, yPixelOf } from "./svg.ts";

const MiB = 1024 * 1024;
const T0 = Date.UTC(2026, 10, 3, 14, 0, 0);
const PODS = ["rdev-api-7d9f8b6c5d-x2k4q", "rdev-api-7d9f8b6c5d-m8zlp", "rdev-api-7d9f8b6c5d-q4wrt"];

/** n samples 5 s apart climbing from `fromMiB` by `slopeMiB` per sample. */
const climbing = (pod: string, fromMiB: number, slopeMiB: number, n = 120): MemorySeries => ({
  pod,
  points: Array.from({ length: n }, (_, k) => ({ t: T0 + k * 5000, bytes: (fromMiB + k * slopeMiB) * MiB })),
});

const base = (over: Partial<MemoryChartInput> = {}): MemoryChartInput => ({
  title: "rdev-api memory",
  series: [
    climbing(PODS[0] ?? "", 200, 2.5),
    climbing(PODS[1] ?? "", 180, 0.1),
    climbing(PODS[2] ?? "", 190, 0),
  ],
  limitBytes: 512 * MiB,
  warningPercent: 80,
  criticalPercent: 95,
  ...over,
});

const texts = (svg: string) => svgTexts(svg).map((t) => t.text);
const linesOf = (svg: string, stroke: string) => svgPaths(svg).filter((p) => p.stroke === stroke);

describe("memoryChartSvg", () => {
  it("draws one line per pod, in the palette's colours, each named in the legend", () => {
    const svg = memoryChartSvg(base());
    expect(svg.startsWith("<svg")).toBe(true);
    PODS.forEach((pod, i) => {
      expect(texts(svg)).toContain(pod);
      const lines = linesOf(svg, PALETTE[i] ?? "").filter((p) => vertexCount(p.d) === 120);
      expect(lines, `${pod}'s line`).toHaveLength(1);
    });
  });

  it("draws the limit and the 80% and 95% lines at their values, labelled", () => {
    const svg = memoryChartSvg(base());
    const y = yPixelOf(svg);
    const at = (stroke: string) =>
      linesOf(svg, stroke)
        .map((p) => horizontalY(p.d))
        .filter((v) => v !== null);
    // ECharts snaps thin lines to the pixel grid: within a pixel of the exact position.
    const near = (actual: number | undefined, mib: number) =>
      expect(Math.abs((actual ?? -99) - y(mib))).toBeLessThanOrEqual(1);
    expect(at(COLORS.limit)).toHaveLength(1);
    near(at(COLORS.limit)[0], 512);
    near(at(COLORS.warning)[0], 409.6);
    near(at(COLORS.critical)[0], 486.4);
    expect(linesOf(svg, COLORS.limit)[0]?.dashed).toBe(false);
    expect(linesOf(svg, COLORS.warning)[0]?.dashed).toBe(true);
    expect(texts(svg)).toEqual(expect.arrayContaining(["limit 512Mi", "80% 410Mi", "95% 486Mi"]));
  });

  it("keeps the limit line on the chart when every pod is far below it", () => {
    const svg = memoryChartSvg(base({ series: [climbing("idle", 50, 0)], limitBytes: 2048 * MiB }));
    const top = Math.max(
      ...svgTexts(svg).flatMap((t) => (/^[\d,]+$/.test(t.text) ? [Number(t.text.replace(",", ""))] : [])),
    );
    expect(top).toBeGreaterThanOrEqual(2048);
    expect(linesOf(svg, COLORS.limit).map((p) => horizontalY(p.d))).not.toContain(null);
  });

  it("omits the 95% line when no critical percent is given", () => {
    const svg = memoryChartSvg(base({ criticalPercent: undefined }));
    expect(linesOf(svg, COLORS.critical)).toHaveLength(0);
    expect(linesOf(svg, COLORS.warning)).toHaveLength(1);
  });

  it("draws no limit or threshold lines for a pod with no limit, and says so", () => {
    const svg = memoryChartSvg(base({ limitBytes: null, series: [climbing("no-limit-pod", 100, 1)] }));
    expect(linesOf(svg, COLORS.limit)).toHaveLength(0);
    expect(linesOf(svg, COLORS.warning)).toHaveLength(0);
    expect(texts(svg)).toContain("no memory limit set");
    expect(texts(svg)).toContain("no-limit-pod");
  });

  it("renders an empty chart that says there is no data", () => {
    const svg = memoryChartSvg(base({ series: [] }));
    expect(texts(svg)).toContain("no memory samples in this window");
    expect(texts(svg)).toContain("limit 512Mi");
    const drawn = svgPaths(svg).filter((p) => p.d !== "" && PALETTE.some((c) => c === p.stroke));
    expect(drawn).toHaveLength(0);
  });

  it("marks events with a vertical line and their label at their time", () => {
    const events = [
      { t: T0 + 100 * 5000, label: "OOMKilled rdev-api-7d9f8b6c5d-x2k4q" },
      { t: T0 + 50 * 5000, label: "limit 512Mi -> 1Gi" },
    ];
    const svg = memoryChartSvg(base({ events }));
    const xs = linesOf(svg, COLORS.event).map((p) => verticalX(p.d));
    expect(xs).toHaveLength(2);
    expect(xs.every((x) => x !== null)).toBe(true);
    for (const e of events) {
      const label = svgTexts(svg).find((t) => t.text === e.label);
      expect(label?.rotated, e.label).toBe(true);
    }
    // The later event is further right.
    const [a, b] = xs as number[];
    expect(Math.abs((a ?? 0) - (b ?? 0))).toBeGreaterThan(100);
  });

  it("escapes pod names, titles and labels, and never reads them as ECharts templates", () => {
    const evil = `a&b"<script>'`;
    const svg = memoryChartSvg(
      base({
        title: "memory {b} & <more>",
        series: [climbing(evil, 100, 1), climbing("{a|rich} {b}", 120, 0)],
        events: [{ t: T0 + 10_000, label: "<evicted> {c}" }],
      }),
    );
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("a&amp;b&quot;&lt;script&gt;&#39;");
    expect(texts(svg)).toEqual(
      expect.arrayContaining([evil, "{a|rich} {b}", "memory {b} & <more>", "<evicted> {c}"]),
    );
  });

  it("spans the requested range, dropping samples and events outside it", () => {
    const range = { startMs: T0 - 30 * 60_000, endMs: T0 + 30 * 60_000 };
    const events = [
      { t: T0 - 3_600_000, label: "long before" },
      { t: T0 + 60_000, label: "inside" },
    ];
    const points = [
      { t: T0 - 3_600_000, bytes: 900 * MiB },
      { t: T0, bytes: 100 * MiB },
      { t: T0 + 60_000, bytes: 110 * MiB },
    ];
    const svg = memoryChartSvg(base({ series: [{ pod: "p", points }], events, range }));
    expect(texts(svg)).toEqual(expect.arrayContaining(["13:30", "14:30", "inside"]));
    expect(texts(svg)).not.toContain("long before");
    expect(linesOf(svg, PALETTE[0]).filter((p) => vertexCount(p.d) === 2)).toHaveLength(1);
    // The 900 MiB sample an hour earlier is not in view, so the axis stops at 600.
    expect(texts(svg)).toContain("600");
    expect(texts(svg)).not.toContain("1,000");
    expect(() => memoryChartSvg(base({ range: { startMs: T0, endMs: T0 } }))).toThrow(/startMs < endMs/);
  });

  it("labels the time axis in UTC", () => {
    const svg = memoryChartSvg(base());
    expect(texts(svg)).toEqual(expect.arrayContaining(["14:00", "14:08", "UTC", "MiB"]));
  });

  it("downsamples long series to at most maxPoints vertices, keeping the spike", () => {
    const points = Array.from({ length: 3000 }, (_, k) => ({ t: T0 + k * 1000, bytes: 100 * MiB }));
    points[1234] = { t: T0 + 1234 * 1000, bytes: 500 * MiB };
    const svg = memoryChartSvg(base({ series: [{ pod: "spiky", points }] }), 300);
    const line = linesOf(svg, PALETTE[0]).find((p) => vertexCount(p.d) > 10);
    expect(vertexCount(line?.d ?? "")).toBe(300);
    const y = yPixelOf(svg);
    const ys = [...(line?.d ?? "").matchAll(/[ML][-\d.]+ ([-\d.]+)/g)].map((m) => Number(m[1]));
    expect(Math.min(...ys)).toBeCloseTo(y(500), 0);
  });

  it("rejects sizes that cannot make a readable chart", () => {
    expect(() => memoryChartSvg(base({ width: 50 }))).toThrow(/width must be a whole number of pixels/);
    expect(() => memoryChartSvg(base({ height: 480.5 }))).toThrow(/height/);
  });
});

describe("memoryChartPng", () => {
  it("is a PNG of the requested size", () => {
    expect(pngSize(memoryChartPng(base()))).toEqual({ width: 960, height: 480 });
    expect(pngSize(memoryChartPng(base({ width: 640, height: 320 })))).toEqual({ width: 640, height: 320 });
  });

  it("draws text with the bundled font (and would draw none without a font)", () => {
    const titled = (title: string, fontFiles?: string[]) =>
      memoryChartPng(base({ title, series: [] }), fontFiles ? { fontFiles } : {});
    expect(titled("Memory A").equals(titled("Memory B"))).toBe(false);
    // The check above can fail: with no font at all resvg draws no text, and the two are identical.
    expect(titled("Memory A", []).equals(titled("Memory B", []))).toBe(true);
  });

  it("renders an empty chart and a chart with no limit", () => {
    expect(pngSize(memoryChartPng(base({ series: [], limitBytes: null })))).toEqual({
      width: 960,
      height: 480,
    });
  });
});
