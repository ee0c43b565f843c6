import { currentRun, forecastPod, type MemoryPoint, t95 } from "@rdev/bot/diagnose/foresight/forecast.ts";
import { climbOnset } from "@rdev/bot/diagnose/foresight/onset.ts";
import { describe, expect, it } from "vitest";

const Mi = 1024 * 1024;
const T0 = Date.parse("2026-03-01T10:00:00Z");
/** n samples every `everyMs`, bytes = f(seconds since T0), with a deterministic wobble. */
const series = (n: number, everyMs: number, f: (s: number) => number, wobble = 0): MemoryPoint[] =>
  Array.from({ length: n }, (_, i) => ({
    t: T0 + i * everyMs,
    bytes: f((i * everyMs) / 1000) + wobble * Math.sin(i * 2.1),
  }));

describe("forecastPod", () => {
  it("a straight climb: eta to the limit, inside its range", () => {
    // 200Mi climbing 10Mi/min: 312Mi to go from the last sample.
    const points = series(10, 30_000, (s) => 200 * Mi + (10 * Mi * s) / 60, 1 * Mi);
    const f = forecastPod("p", points, 512 * Mi);
    expect(f.status).toBe("climbing");
    if (f.status !== "climbing") return;
    const truth = ((512 - 200 - 10 * 4.5) * 60_000) / 10; // from the last sample at 4.5 min
    expect(Math.abs(f.etaMs - truth)).toBeLessThan(0.05 * truth);
    expect(f.lowMs).toBeLessThan(truth);
    expect(f.highMs).toBeGreaterThan(truth);
    expect(f.bytesPerMinute / Mi).toBeCloseTo(10, 0);
  });

  it.each([
    { name: "flat with noise", f: () => 250 * Mi, wobble: 2 * Mi },
    { name: "falling", f: (s: number) => 400 * Mi - s * 50_000, wobble: 0 },
    { name: "a crawl below the minimum rate", f: (s: number) => 300 * Mi + s * 1000, wobble: 0 },
  ])("$name: not climbing", ({ f, wobble }) => {
    expect(forecastPod("p", series(8, 30_000, f, wobble), 512 * Mi).status).toBe("not-climbing");
  });

  it.each([
    { points: [] as MemoryPoint[], limit: 512 * Mi, reason: /0 samples so far; a trend needs 3/ },
    { points: series(1, 30_000, () => Mi), limit: 512 * Mi, reason: /^1 sample so far/ },
    { points: series(2, 30_000, (s) => s * Mi), limit: 512 * Mi, reason: /2 samples so far/ },
    { points: series(5, 30_000, (s) => s * Mi), limit: null, reason: /no memory limit/ },
  ])("unknown: $reason", ({ points, limit, reason }) => {
    const f = forecastPod("p", points, limit);
    expect(f.status).toBe("unknown");
    if (f.status === "unknown") expect(f.reason).toMatch(reason);
  });

  it("fits only the current container: a restart's drop starts the run over", () => {
    const before = series(5, 30_000, (s) => 480 * Mi + s * Mi);
    const after = series(4, 30_000, () => 150 * Mi).map((p) => ({ ...p, t: p.t + 10 * 60_000 }));
    expect(currentRun([...before, ...after], 15 * 60_000)).toHaveLength(4);
    expect(forecastPod("p", [...before, ...after], 512 * Mi).status).toBe("not-climbing");
  });

  it("more noise, wider range", () => {
    const clean = forecastPod(
      "p",
      series(6, 30_000, (s) => 200 * Mi + s * 200_000, 0.2 * Mi),
      512 * Mi,
    );
    const noisy = forecastPod(
      "p",
      series(6, 30_000, (s) => 200 * Mi + s * 200_000, 4 * Mi),
      512 * Mi,
    );
    if (clean.status !== "climbing" || noisy.status !== "climbing") throw new Error("both climb");
    expect((noisy.highMs ?? Infinity) - noisy.lowMs).toBeGreaterThan((clean.highMs ?? 0) - clean.lowMs);
  });

  it("t quantiles fall towards 1.96", () => {
    expect(t95(1)).toBeCloseTo(12.71);
    expect(t95(10)).toBeCloseTo(2.228);
    expect(t95(100)).toBeLessThan(2);
  });
});

describe("climbOnset", () => {
  it("flat, then a climb from minute 5", () => {
    const points = series(20, 30_000, (s) => 200 * Mi + Math.max(0, s - 300) * 150_000, 0.5 * Mi);
    const onset = climbOnset(points);
    expect(onset?.kind).toBe("seen");
    if (onset?.kind === "seen") expect(Math.abs(onset.at - (T0 + 300_000))).toBeLessThanOrEqual(30_000);
  });

  it("climbing from the first sample: before it", () => {
    const onset = climbOnset(series(10, 30_000, (s) => 200 * Mi + s * 150_000, 0.5 * Mi));
    expect(onset).toEqual({ kind: "before", before: T0 });
  });

  it("too few samples: unknown", () => {
    expect(climbOnset(series(3, 30_000, (s) => s))).toBeNull();
  });
});
