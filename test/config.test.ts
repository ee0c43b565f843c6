import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseDuration, parseMemory } from "../src/config.ts";

describe("loadConfig", () => {
  it("defaults to the rdev runbook's values", () => {
    const c = loadConfig({});
    expect(c.target).toEqual({
      namespace: "rdev",
      deployment: "rdev-api",
      selector: "app=rdev-api",
      container: "rdev-api",
      port: 8080,
      readyPath: "/ready",
      metricsPath: "/metrics",
      pprofPath: "/debug/pprof/heap",
    });
    expect(c.thresholds).toEqual({ warningPercent: 80, criticalPercent: 95 });
    expect(c.limits.memoryLimitMaxBytes).toBe(4 * 1024 ** 3);
    expect(c.cache).toEqual({ envName: "CACHE_TTL", proposedTtl: "15s" });
    expect(c.oomLookbackMs).toBe(3_600_000);
  });

  it("reads overrides and treats empty strings as unset", () => {
    const c = loadConfig({
      RDEV_NAMESPACE: "prod",
      RDEV_PORT: "9090",
      MEMORY_WARNING_PERCENT: "70",
      KUBECONFIG: "",
    });
    expect(c.target.namespace).toBe("prod");
    expect(c.target.port).toBe(9090);
    expect(c.thresholds.warningPercent).toBe(70);
    expect(c.kubeconfig).toBeUndefined();
  });

  it("lists every malformed variable in one error", () => {
    let error: unknown;
    try {
      loadConfig({
        RDEV_PORT: "eighty",
        MEMORY_LIMIT_MAX: "lots",
        RDEV_SELECTOR: "app rdev",
        OOM_LOOKBACK: "5 minutes",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).toMatch(/RDEV_PORT/);
    expect(problems.join("\n")).toMatch(/MEMORY_LIMIT_MAX: must be a memory quantity.*"lots"/);
    expect(problems.join("\n")).toMatch(/RDEV_SELECTOR/);
    expect(problems.join("\n")).toMatch(/OOM_LOOKBACK/);
  });

  it("refuses a critical threshold at or below the warning threshold", () => {
    expect(() => loadConfig({ MEMORY_WARNING_PERCENT: "90", MEMORY_CRITICAL_PERCENT: "85" })).toThrow(
      /MEMORY_CRITICAL_PERCENT: must be above MEMORY_WARNING_PERCENT/,
    );
  });
});

describe.each([
  ["512Mi", 512 * 1024 ** 2],
  ["1Gi", 1024 ** 3],
  ["1.5Gi", 1.5 * 1024 ** 3],
  ["2G", 2e9],
  ["100", 100],
  ["10Ki", 10240],
  ["lots", null],
  ["-1Gi", null],
])("parseMemory(%s)", (input, expected) => {
  it(`is ${expected}`, () => expect(parseMemory(input)).toBe(expected));
});

describe.each([
  ["300ms", 300],
  ["30s", 30_000],
  ["5m", 300_000],
  ["1h", 3_600_000],
  ["2d", 172_800_000],
  ["5 minutes", null],
  ["", null],
])("parseDuration(%s)", (input, expected) => {
  it(`is ${expected}`, () => expect(parseDuration(input)).toBe(expected));
});
