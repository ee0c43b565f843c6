import { mibLabel, niceStep, timeLabel, yAxisScale } from "@rdev/bot/render/charts/scale.ts";
import { describe, expect, it } from "vitest";

describe("niceStep", () => {
  it.each([
    [0.7, 1],
    [1, 1],
    [1.2, 2],
    [2.2, 2.5],
    [3, 5],
    [7, 10],
    [23, 25],
    [107.52, 200],
    [0, 1],
    [Number.NaN, 1],
  ])("niceStep(%f) = %f", (rough, step) => expect(niceStep(rough)).toBe(step));
});

describe("yAxisScale", () => {
  it.each([
    [512, 600, 100],
    [1024, 1200, 200],
    [100, 120, 20],
    [0, 100, 20],
    [4096, 5000, 1000],
  ])("highest %f MiB -> max %f, interval %f", (highest, max, interval) => {
    expect(yAxisScale(highest)).toEqual({ max, interval });
  });

  it("always leaves room above the highest value, in whole intervals", () => {
    for (let h = 1; h < 5000; h += 37) {
      const { max, interval } = yAxisScale(h);
      expect(max).toBeGreaterThanOrEqual(h * 1.05 - 1e-9);
      expect(Number.isInteger(Math.round((max / interval) * 1e6) / 1e6)).toBe(true);
      expect(max / interval).toBeLessThanOrEqual(10);
    }
  });
});

describe("timeLabel", () => {
  const t = Date.UTC(2026, 10, 3, 9, 5, 7);
  it("is HH:mm in UTC for spans of minutes to a day", () => expect(timeLabel(t, 30 * 60_000)).toBe("09:05"));
  it("adds seconds under 5 minutes", () => expect(timeLabel(t, 60_000)).toBe("09:05:07"));
  it("adds the date past a day", () => expect(timeLabel(t, 3 * 86_400_000)).toBe("11-03 09:05"));
});

describe("mibLabel", () => {
  it.each([
    [0, "0"],
    [12.5, "12.5"],
    [1024, "1,024"],
  ])("%f -> %s", (mib, text) => expect(mibLabel(mib)).toBe(text));
});
