import { firstCrossing } from "@rdev/kube-sim/workload/crossing.ts";
import { describe, expect, it } from "vitest";

const identity = (ms: number) => ms;

describe("firstCrossing", () => {
  it.each([
    // name, value, envelope, threshold, from, to, expected
    ["linear ramp crosses mid-step", identity, identity, 12_345, 0, 60_000, 12_345],
    ["already above at the start", identity, identity, 10, 500, 1000, 500],
    ["never reaches", identity, identity, 5000, 0, 4000, null],
    ["reaches exactly at the end", identity, identity, 4000, 0, 4000, 4000],
    ["empty interval", identity, identity, 0, 10, 5, null],
    [
      "step function",
      (ms: number) => (ms >= 7_777 ? 1 : 0),
      (ms: number) => (ms >= 7_000 ? 1 : 0),
      1,
      0,
      20_000,
      7_777,
    ],
  ])("%s", (_name, value, envelope, threshold, from, to, expected) => {
    expect(firstCrossing(value, envelope, threshold, from, to)).toBe(expected);
  });

  it("finds a crossing of a noisy curve within a millisecond of the true first one", () => {
    const value = (ms: number) => ms / 1000 + Math.sin(ms / 300);
    const envelope = (ms: number) => ms / 1000 + 1;
    const got = firstCrossing(value, envelope, 100, 0, 200_000);
    expect(got).not.toBeNull();
    let truth = 0;
    while (value(truth) < 100) truth += 1;
    expect(Math.abs((got ?? 0) - truth)).toBeLessThanOrEqual(1000);
    expect(value(got ?? 0)).toBeGreaterThanOrEqual(100);
    expect(value((got ?? 0) - 1)).toBeLessThan(100);
  });

  it("evaluates the curve only near the crossing when the envelope rules out the rest", () => {
    let calls = 0;
    const value = (ms: number) => {
      calls += 1;
      return ms;
    };
    expect(firstCrossing(value, identity, 14 * 60_000, 0, 15 * 60_000)).toBe(14 * 60_000);
    expect(calls).toBeLessThan(5);
  });
});
