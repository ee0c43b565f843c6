import { memoryLimitQuery, promString, rangeParams, workingSetQuery } from "@rdev/bot/samples/promql.ts";
import { describe, expect, it } from "vitest";

describe("PromQL", () => {
  const target = { namespace: "rdev", container: "rdev-api" };

  it("asks for the working set and the memory limit per pod of the target container", () => {
    expect(workingSetQuery(target)).toBe(
      'max by (pod) (container_memory_working_set_bytes{namespace="rdev",container="rdev-api"})',
    );
    expect(memoryLimitQuery(target)).toBe(
      'max by (pod) (kube_pod_container_resource_limits{namespace="rdev",container="rdev-api",resource="memory"})',
    );
  });

  it("escapes label values", () => {
    expect(promString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(workingSetQuery({ namespace: 'x"}', container: "c" })).toContain('namespace="x\\"}"');
  });
});

describe("rangeParams", () => {
  it.each([
    // window, maxPoints -> step (s)
    [30 * 60_000, 300, 7],
    [60_000, 300, 1],
    [5 * 60_000, 300, 2],
    [6 * 3_600_000, 300, 73],
    [60_000, 11, 6],
  ])("a %i ms window in at most %i points steps %i s", (windowMs, maxPoints, stepS) => {
    const end = Date.UTC(2026, 10, 3, 14, 30, 0, 750);
    const r = rangeParams(end, windowMs, maxPoints);
    expect(r.stepS).toBe(stepS);
    expect(r.endS).toBe(Math.floor(end / 1000));
    expect(r.endS - r.startS).toBe(windowMs / 1000);
    // Prometheus' point count for [start, end] at this step.
    expect(Math.floor((r.endS - r.startS) / r.stepS) + 1).toBeLessThanOrEqual(maxPoints);
  });

  it("rejects windows and point budgets it cannot honour", () => {
    expect(() => rangeParams(Date.now(), 10, 300)).toThrow(/windowMs/);
    expect(() => rangeParams(Date.now(), 60_000, 1)).toThrow(/maxPoints/);
    expect(() => rangeParams(Number.NaN, 60_000)).toThrow(/endMs/);
  });
});
