import { cleanPoints, downsampleMax } from "@rdev/bot/render/charts/downsample.ts";
import type { MemoryPoint } from "@rdev/bot/samples/chart-types.ts";
import { describe, expect, it } from "vitest";

const flat = (n: number, bytes = 100): MemoryPoint[] =>
  Array.from({ length: n }, (_, i) => ({ t: i * 1000, bytes }));

/** A deterministic pseudo-random walk (no Math.random in tests). */
function walk(n: number, seed: number): MemoryPoint[] {
  let x = seed;
  let v = 1000;
  return Array.from({ length: n }, (_, i) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    v += (x % 21) - 10;
    return { t: i * 500, bytes: v };
  });
}

describe("downsampleMax", () => {
  it("returns short series unchanged (sorted and cleaned)", () => {
    const points = [
      { t: 3, bytes: 3 },
      { t: 1, bytes: 1 },
      { t: 2, bytes: Number.NaN },
      { t: Number.POSITIVE_INFINITY, bytes: 5 },
    ];
    expect(downsampleMax(points, 300)).toEqual([
      { t: 1, bytes: 1 },
      { t: 3, bytes: 3 },
    ]);
  });

  it.each([
    [301, 300],
    [1000, 300],
    [12_345, 300],
    [10, 3],
    [7, 1],
  ])("keeps at most maxPoints of %i samples (max %i), in time order", (n, max) => {
    const out = downsampleMax(walk(n, n), max);
    expect(out.length).toBe(max);
    for (let i = 1; i < out.length; i++) expect((out[i]?.t ?? 0) > (out[i - 1]?.t ?? 0)).toBe(true);
  });

  it("never loses a one-sample spike, wherever it falls", () => {
    for (const at of [0, 1, 499, 500, 1733, 2999]) {
      const points = flat(3000);
      points[at] = { t: at * 1000, bytes: 9999 };
      const out = downsampleMax(points, 300);
      expect(out, `spike at ${at}`).toContainEqual({ t: at * 1000, bytes: 9999 });
    }
  });

  it("keeps each bucket's maximum, with that sample's own time", () => {
    const points = walk(1000, 7);
    const out = downsampleMax(points, 100);
    // 1000 into 100: buckets of 10 consecutive samples.
    out.forEach((p, b) => {
      const bucket = points.slice(b * 10, b * 10 + 10);
      expect(p.bytes).toBe(Math.max(...bucket.map((q) => q.bytes)));
      expect(bucket).toContainEqual(p);
    });
  });

  it("keeps the series' overall maximum", () => {
    const points = walk(5000, 3);
    const peak = Math.max(...points.map((p) => p.bytes));
    expect(Math.max(...downsampleMax(points).map((p) => p.bytes))).toBe(peak);
  });

  it("rejects a maxPoints below 1", () => {
    expect(() => downsampleMax(flat(5), 0)).toThrow(RangeError);
    expect(() => downsampleMax(flat(5), 2.5)).toThrow(RangeError);
  });
});

describe("cleanPoints", () => {
  it("keeps equal times in input order", () => {
    expect(
      cleanPoints([
        { t: 2, bytes: 1 },
        { t: 1, bytes: 2 },
        { t: 1, bytes: 3 },
      ]),
    ).toEqual([
      { t: 1, bytes: 2 },
      { t: 1, bytes: 3 },
      { t: 2, bytes: 1 },
    ]);
  });
});
