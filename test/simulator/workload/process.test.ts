// startAppProcess: determinism, readiness, validation and the model's noise bound.

import { SCENARIOS, startAppProcess } from "@rdev/kube-sim/workload/index.ts";
import { createModel, meanWorkingSet, NOISE_BOUND_BYTES, snapshotAt } from "@rdev/kube-sim/workload/model.ts";
import { describe, expect, it } from "vitest";
import { appOptions, LIMIT_512MI, MINUTE, MiB, T0 } from "./helpers.ts";

describe("determinism", () => {
  it.each(SCENARIOS)("%s: the same options give the same memory, metrics and profile bytes", (scenario) => {
    const a = startAppProcess(appOptions(scenario));
    const b = startAppProcess(appOptions(scenario));
    for (const m of [0, 0.5, 3, 7.25, 12]) {
      const now = T0 + m * MINUTE;
      expect(b.memoryAt(now)).toBe(a.memoryAt(now));
      expect(b.metricsText(now)).toBe(a.metricsText(now));
      expect(b.heapProfile(now).equals(a.heapProfile(now))).toBe(true);
    }
  });

  it.each([
    ["seed", { seed: 99 }],
    ["pod index", { podIndex: 1 }],
    ["restart count", { restartCount: 1 }],
    ["generation", { generation: 1 }],
  ])("a different %s gives a different (but close) steady pod", (_name, overrides) => {
    const a = startAppProcess(appOptions("steady"));
    const b = startAppProcess(appOptions("steady", overrides));
    const now = T0 + 10 * MINUTE;
    expect(b.memoryAt(now)).not.toBe(a.memoryAt(now));
    expect(Math.abs(b.memoryAt(now) - a.memoryAt(now))).toBeLessThan(40 * MiB);
  });

  it("depends only on time since start: a pod started later is the same curve shifted", () => {
    const a = startAppProcess(appOptions("large-output"));
    const b = startAppProcess(appOptions("large-output", { startedAtMs: T0 + 3 * MINUTE }));
    expect(b.memoryAt(T0 + 8 * MINUTE)).toBe(a.memoryAt(T0 + 5 * MINUTE));
  });
});

describe("noise bound (what oomAt relies on)", () => {
  it.each(SCENARIOS)("%s: the mean curve never falls and memory stays within the noise bound", (scenario) => {
    for (const podIndex of [0, 1]) {
      const model = createModel(appOptions(scenario, { podIndex }));
      let previous = 0;
      for (let t = 0; t <= 20 * 60; t += 0.5) {
        const mean = meanWorkingSet(model, t);
        expect(mean).toBeGreaterThanOrEqual(previous);
        previous = mean;
        expect(Math.abs(snapshotAt(model, t).workingSetBytes - mean)).toBeLessThanOrEqual(NOISE_BOUND_BYTES);
      }
    }
  });

  it("memory actually varies with the noise (it is not a smooth line)", () => {
    const model = createModel(appOptions("steady"));
    const deviations = new Set<number>();
    for (let t = 400; t < 600; t += 3) {
      deviations.add(Math.round((snapshotAt(model, t).workingSetBytes - meanWorkingSet(model, t)) / 1024));
    }
    expect(deviations.size).toBeGreaterThan(20);
  });
});

describe("ready()", () => {
  it("fails for the first 2 seconds after start, then passes", () => {
    const app = startAppProcess(appOptions("steady"));
    expect(app.ready(T0)).toBe(false);
    expect(app.ready(T0 + 1999)).toBe(false);
    expect(app.ready(T0 + 2000)).toBe(true);
    expect(app.ready(T0 + 30 * MINUTE)).toBe(true);
  });

  it("fails when memory is above 98% of the limit (GC thrash), and not with a bigger limit", () => {
    const small = startAppProcess(appOptions("sse-leak"));
    const oom = small.oomAt(LIMIT_512MI, T0, T0 + 30 * MINUTE) ?? 0;
    const thrash = small.oomAt(0.98 * LIMIT_512MI + 1, T0, T0 + 30 * MINUTE) ?? 0;
    expect(thrash).toBeGreaterThan(T0);
    expect(thrash).toBeLessThan(oom);
    expect(small.ready(thrash - 1000)).toBe(true);
    expect(small.ready(thrash + 1)).toBe(false);
    const big = startAppProcess(appOptions("sse-leak", { spec: { memoryLimitBytes: 1024 * MiB, env: {} } }));
    expect(big.ready(thrash + 1)).toBe(true);
  });

  it("never fails on memory without a limit", () => {
    const app = startAppProcess(appOptions("sse-leak", { spec: { memoryLimitBytes: null, env: {} } }));
    expect(app.ready(T0 + 60 * MINUTE)).toBe(true);
  });
});

describe("oomAt", () => {
  it("returns null for an interval that ends before the crossing and for an inverted interval", () => {
    const app = startAppProcess(appOptions("sse-leak"));
    expect(app.oomAt(LIMIT_512MI, T0, T0 + 5 * MINUTE)).toBeNull();
    expect(app.oomAt(LIMIT_512MI, T0 + 5 * MINUTE, T0)).toBeNull();
  });

  it("returns the start of the interval when memory is already over the limit", () => {
    const app = startAppProcess(appOptions("sse-leak"));
    const from = T0 + 14 * MINUTE;
    expect(app.oomAt(LIMIT_512MI, from, from + MINUTE)).toBe(from);
  });

  it("finds the same instant when searched from a later start inside the interval", () => {
    const app = startAppProcess(appOptions("large-output"));
    const whole = app.oomAt(LIMIT_512MI, T0, T0 + 20 * MINUTE);
    const tail = app.oomAt(LIMIT_512MI, T0 + 9 * MINUTE + 123, T0 + 20 * MINUTE);
    expect(whole).not.toBeNull();
    expect(Math.abs((tail ?? 0) - (whole ?? 0))).toBeLessThanOrEqual(1000);
  });
});

describe("validation", () => {
  it.each([
    [{ scenario: "oom-now" as never }, /scenario "oom-now" is unknown; use one of steady, sse-leak/],
    [{ podIndex: -1 }, /podIndex must be a non-negative integer/],
    [{ restartCount: 1.5 }, /restartCount must be a non-negative integer/],
    [{ spec: { memoryLimitBytes: 0, env: {} } }, /memoryLimitBytes must be > 0 or null/],
  ])("rejects %j with a message that says what to fix", (overrides, message) => {
    expect(() => startAppProcess(appOptions("steady", overrides))).toThrow(message);
  });
});
