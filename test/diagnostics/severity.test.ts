import {
  atLeast,
  overallTrend,
  podTrend,
  severityForPercent,
  trendDirection,
  worstSeverity,
} from "@rdev/bot/diagnose/severity.ts";
import { describe, expect, it } from "vitest";

const t = { warningPercent: 80, criticalPercent: 95 };

describe("severityForPercent", () => {
  it.each([
    [null, "unknown"],
    [0, "ok"],
    [79.9, "ok"],
    [80, "ok"], // "exceeds 80%": at 80 it does not yet
    [80.1, "warning"],
    [95, "warning"],
    [95.1, "critical"],
    [104, "critical"],
    [Number.NaN, "unknown"],
  ])("%s%% -> %s", (p, s) => expect(severityForPercent(p, t)).toBe(s));
});

describe("worstSeverity and atLeast", () => {
  it.each([
    [[], "unknown"],
    [["unknown", "ok"], "ok"],
    [["ok", "warning", "unknown"], "warning"],
    [["warning", "critical", "ok"], "critical"],
  ] as const)("%j -> %s", (list, s) => expect(worstSeverity(list)).toBe(s));
  it.each([
    ["unknown", "warning", "warning"],
    ["ok", "warning", "warning"],
    ["critical", "warning", "critical"],
  ] as const)("atLeast(%s, %s) = %s", (s, floor, out) => expect(atLeast(s, floor)).toBe(out));
});

describe("trendDirection", () => {
  it.each([
    [6.1, 0, 1, 2, "rising"],
    [1.9, 0, 1, 2, "stable"],
    [-2.5, 0, 1, 2, "falling"],
    // No limits: relative change of bytes, same tolerance in percent.
    [null, 30, 1000, 2, "rising"],
    [null, 10, 1000, 2, "stable"],
    [null, -100, 1000, 2, "falling"],
  ] as const)("points %s bytes %s of %s (tol %s) -> %s", (pts, db, prev, tol, dir) =>
    expect(trendDirection(pts, db, prev, tol)).toBe(dir),
  );
});

const point = (uid: string, bytes: number | null, percent: number | null) => ({
  uid,
  name: uid,
  memory: { workingSetBytes: bytes, percentOfLimit: percent },
});

describe("podTrend and overallTrend", () => {
  it("compares a pod with itself by UID only", () => {
    const prev = [point("a", 400, 40), point("b", 500, 50)];
    expect(podTrend(point("a", 600, 60), prev, 600_000, 2)).toEqual({
      direction: "rising",
      deltaPercentPoints: 20,
      deltaBytes: 200,
      sinceMs: 600_000,
    });
    expect(podTrend(point("new", 100, 10), prev, 600_000, 2)).toBeNull();
    expect(podTrend(point("a", null, null), prev, 600_000, 2)).toBeNull();
  });

  it("averages the pods present in both snapshots", () => {
    const prev = [point("a", 400, 40), point("b", 500, 50)];
    const now = [point("a", 420, 42), point("b", 540, 54), point("c", 100, 10)];
    expect(overallTrend(now, prev, 60_000, 2)).toMatchObject({ direction: "rising", deltaPercentPoints: 3 });
  });

  it("compares all pods when every pod was replaced (a restart reads as falling)", () => {
    const prev = [point("a", 900, 90), point("b", 800, 80)];
    const now = [point("c", 200, 20), point("d", 210, 21)];
    expect(overallTrend(now, prev, 60_000, 2)).toMatchObject({
      direction: "falling",
      deltaPercentPoints: -64.5,
    });
  });

  it("is null without memory figures", () => {
    expect(overallTrend([point("a", null, null)], [point("a", null, null)], 1, 2)).toBeNull();
  });
});
