import { ConfigError, loadConfig, parseDuration, parseMemory } from "@rdev/bot/config.ts";
import { describe, expect, it } from "vitest";

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

  it("takes Go's duration grammar for duration settings, and only Go's for CACHE_TTL_PROPOSED", () => {
    const c = loadConfig({ OOM_LOOKBACK: "1h30m", HISTORY_RETENTION: "1d12h", CACHE_TTL_PROPOSED: "1m30s" });
    expect(c.oomLookbackMs).toBe(5_400_000);
    expect(c.historyRetentionMs).toBe(129_600_000);
    expect(c.cache.proposedTtl).toBe("1m30s");
    // rdev-api reads CACHE_TTL with Go's time.ParseDuration, which has no days.
    expect(() => loadConfig({ CACHE_TTL_PROPOSED: "1d" })).toThrow(
      /CACHE_TTL_PROPOSED: must be a Go duration/,
    );
    expect(() => loadConfig({ OOM_LOOKBACK: "-1h" })).toThrow(/OOM_LOOKBACK: must be a duration/);
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
  // Kubernetes' grammar (the one quantity parser): exponents, Pi/Ei, values rounded up to a byte
  ["1e9", 1e9],
  ["1Pi", 1024 ** 5],
  ["0.1Ki", 103],
  ["1GB", null],
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
  // Go's grammar plus "d" (the one duration parser): composite, fractional and zero durations
  ["1h30m", 5_400_000],
  ["1.5h", 5_400_000],
  ["1d12h", 129_600_000],
  ["0", 0],
  ["0s", 0],
  // refused: negative, finer than a millisecond, units Go does not have
  ["-5m", null],
  ["1500us", null],
  ["1w", null],
  ["1h30", null],
])("parseDuration(%s)", (input, expected) => {
  it(`is ${expected}`, () => expect(parseDuration(input)).toBe(expected));
});
